"""Lever's REST API (`LEVER_API_URL`), read with the firm's API key.

Basic auth with the key as the user name and an empty password, JSON answers of the
form `{"data": ...}` (hire.lever.co/developer/documentation, "Authentication" and
"Responses and Errors"). One attempt per call: when Lever is down or slow the inbox
job fails with SourceUnavailable and runs again later, with back-off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from webhooks import SourceUnavailable

# httpx, with all it loads, is imported where a request is made: every process
# loads the sources, and most never call this ATS.
if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 10.0


class NotFound(Exception):
    """Lever answered 404: the record is gone (an interview deleted, for example)."""


class LeverClient:
    """The few reads this service makes; each returns the answer's `data`."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        transport: httpx.BaseTransport | None = None,
    ):
        import httpx

        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            auth=(api_key, ""),
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        )

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> LeverClient:
        """A client for the app's settings; no key means Lever cannot be asked."""
        if not settings.get("LEVER_API_KEY"):
            raise SourceUnavailable("LEVER_API_KEY is not set")
        return cls(settings["LEVER_API_KEY"], settings["LEVER_API_URL"])

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def opportunity(self, opportunity_id: str) -> dict[str, Any]:
        """The opportunity, its owner expanded (the recruiter) and its applications."""
        return self._get(
            f"opportunities/{opportunity_id}",
            "opportunity",
            params={"expand": ["owner", "applications"]},
        )

    def interview(self, opportunity_id: str, interview_id: str) -> dict[str, Any]:
        """One interview of an opportunity; NotFound once it is deleted."""
        return self._get(
            f"opportunities/{opportunity_id}/interviews/{interview_id}", "interview"
        )

    def posting(self, posting_id: str) -> dict[str, Any]:
        """The job posting (its `text` is the job title)."""
        return self._get(f"postings/{posting_id}", "posting")

    def archive_reason(self, reason_id: str) -> dict[str, Any]:
        """An archive reason, whose `type` is `hired` or `non-hired`."""
        return self._get(f"archive_reasons/{reason_id}", "archive reason")

    def _get(
        self, path: str, label: str, params: dict[str, list[str]] | None = None
    ) -> dict[str, Any]:
        import httpx

        # Messages name the kind of record only: ids and answers stay out of logs.
        try:
            response = self._http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise SourceUnavailable(
                f"Lever {label} read failed ({type(exc).__name__})"
            ) from exc
        if response.status_code == 404:
            raise NotFound(label)
        if response.status_code != 200:
            raise SourceUnavailable(
                f"Lever {label} read answered {response.status_code}"
            )
        try:
            data = response.json()["data"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceUnavailable(f"Lever {label} read answered no data") from exc
        if not isinstance(data, dict):
            raise SourceUnavailable(f"Lever {label} read answered no record")
        return data
