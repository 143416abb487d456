"""Reading Bullhorn's answers: what to retry, how long to wait, what came back."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from webhooks import SourceUnavailable

# httpx, with all it loads, is imported where a request is made: every process
# loads the sources, and most never call this ATS.
if TYPE_CHECKING:
    import httpx


class NotFound(SourceUnavailable):
    """Bullhorn answered 404: the entity or subscription does not exist."""


def retryable(response: httpx.Response) -> bool:
    """A 429 or a 5xx: worth another try after a wait."""
    return response.status_code == 429 or response.status_code >= 500


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a `Retry-After` header asks for (seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def answer(response: httpx.Response, method: str, path: str) -> Any:
    """Parse a final answer: empty body is None; 4xx is an error naming the call."""
    if response.status_code == 404:
        raise NotFound(f"Bullhorn {method} {label(path)}: not found")
    if response.status_code >= 300 and response.status_code not in (301, 302, 303, 307):
        raise SourceUnavailable(
            f"Bullhorn {method} {label(path)} answered {response.status_code}"
        )
    if not response.content.strip():
        return None  # Bullhorn answers an empty event batch with an empty body
    try:
        return response.json()
    except ValueError as exc:
        raise SourceUnavailable(f"Bullhorn {label(path)} answered no JSON") from exc


def label(url: str) -> str:
    """The path of a call without its query string (which may hold secrets)."""
    return urlsplit(url).path.rstrip("/").rsplit("/rest-services", 1)[-1] or "/"
