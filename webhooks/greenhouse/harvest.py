"""A Harvest v3 client: OAuth 2.0 client credentials and Link-header cursor pages.

From harvestdocs.greenhouse.io: "Authentication" (POST the token URL with HTTP Basic
`client_id:client_secret` and the form `grant_type=client_credentials&sub=<user
id>`; call Harvest with `Authorization: Bearer <token>`) and "Pagination" (filters
and `per_page` go on the first request only; then follow the `rel="next"` URL of
the `Link` header exactly as given, until there is none).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from webhooks import SourceUnavailable

# httpx, with all it loads, is imported where a request is made: every process
# loads the sources, and most never call this ATS.
if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

DEFAULT_TOKEN_URL = "https://auth.greenhouse.io/token"
DEFAULT_HARVEST_URL = "https://harvest.greenhouse.io/v3"
TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
ATTEMPTS = 3
MAX_PAGES = 50
# Refresh a little before the token's stated end, so a call never races it.
TOKEN_MARGIN_SECONDS = 60


class NotFound(SourceUnavailable):
    """Harvest answered 404: the record does not exist (any more)."""


@dataclass(frozen=True)
class Credentials:
    """What a firm sets to reach Harvest v3 (GREENHOUSE_* variables)."""

    client_id: str
    client_secret: str
    user_id: str
    token_url: str = DEFAULT_TOKEN_URL
    harvest_url: str = DEFAULT_HARVEST_URL

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Credentials:
        """Read the GREENHOUSE_* settings; defaults for the two URLs."""
        return cls(
            client_id=str(settings.get("GREENHOUSE_CLIENT_ID") or ""),
            client_secret=str(settings.get("GREENHOUSE_CLIENT_SECRET") or ""),
            user_id=str(settings.get("GREENHOUSE_USER_ID") or ""),
            token_url=settings.get("GREENHOUSE_TOKEN_URL") or DEFAULT_TOKEN_URL,
            harvest_url=settings.get("GREENHOUSE_HARVEST_URL") or DEFAULT_HARVEST_URL,
        )


class HarvestClient:
    """Reads Harvest v3 lists; one bearer token, renewed when it ends or is refused."""

    def __init__(
        self, credentials: Credentials, sleep: Callable[[float], None] = time.sleep
    ):
        import httpx

        self.credentials = credentials
        self._sleep = sleep
        self._http = httpx.Client(
            timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
        )
        self._token: str | None = None
        self._token_ends = 0.0

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def list(self, resource: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every record of a list endpoint, following `rel="next"` as given."""
        url: str | None = f"{self.credentials.harvest_url.rstrip('/')}/{resource}"
        query: Mapping[str, Any] | None = params
        records: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return records
            response = self._get(url, query)
            page = _json_list(response, resource)
            records += page
            url, query = next_link(response.headers.get("link")), None
        raise SourceUnavailable(f"Harvest {resource}: more than {MAX_PAGES} pages")

    def _get(self, url: str, params: Mapping[str, Any] | None) -> httpx.Response:
        """GET with a bearer token; retry 429 and 5xx, renew a refused token once."""
        import httpx

        renewed = False
        for attempt in range(1, ATTEMPTS + 1):
            headers = {"Authorization": f"Bearer {self._bearer()}"}
            try:
                response = self._http.get(url, params=params, headers=headers)
            except httpx.HTTPError as exc:
                if attempt == ATTEMPTS:
                    raise SourceUnavailable(
                        f"Harvest {_label(url)}: {type(exc).__name__}"
                    ) from exc
                self._sleep(2**attempt)
                continue
            if response.status_code == 401 and not renewed:
                self._token, renewed = None, True
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt < ATTEMPTS:
                    self._sleep(_retry_after(response) or 2**attempt)
                    continue
            return _checked(response, url)
        raise SourceUnavailable(f"Harvest {_label(url)}: gave up after {ATTEMPTS}")

    def _bearer(self) -> str:
        if self._token is None or time.monotonic() >= self._token_ends:
            self._token, lifetime = self._fetch_token()
            self._token_ends = time.monotonic() + max(
                0, lifetime - TOKEN_MARGIN_SECONDS
            )
        return self._token

    def _fetch_token(self) -> tuple[str, int]:
        """Client credentials for the configured user (`sub`)."""
        import httpx

        creds = self.credentials
        form = {"grant_type": "client_credentials", "sub": creds.user_id}
        try:
            response = self._http.post(
                creds.token_url, data=form, auth=(creds.client_id, creds.client_secret)
            )
        except httpx.HTTPError as exc:
            raise SourceUnavailable(
                f"Greenhouse token URL: {type(exc).__name__}"
            ) from exc
        if response.status_code != 200:
            raise SourceUnavailable(
                f"Greenhouse token URL answered {response.status_code}"
            )
        try:
            answer = response.json()
            token = str(answer["access_token"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceUnavailable("Greenhouse token URL answered no token") from exc
        lifetime = answer.get("expires_in")
        return token, lifetime if isinstance(lifetime, int) else 3600


def next_link(header: str | None) -> str | None:
    """The URL marked `rel="next"` in a Link header (RFC 8288), else None."""
    for part in (header or "").split(","):
        target, _, rest = part.partition(";")
        target = target.strip()
        rels = [p.strip() for p in rest.split(";")]
        if (
            target.startswith("<")
            and target.endswith(">")
            and any(r.replace(" ", "") in ('rel="next"', "rel=next") for r in rels)
        ):
            return target[1:-1]
    return None


def _checked(response: httpx.Response, url: str) -> httpx.Response:
    if response.status_code == 404:
        raise NotFound(f"Harvest {_label(url)}: not found")
    if response.status_code != 200:
        raise SourceUnavailable(
            f"Harvest {_label(url)} answered {response.status_code}"
        )
    return response


def _json_list(response: httpx.Response, resource: str) -> list[dict[str, Any]]:
    try:
        page = response.json()
    except ValueError as exc:
        raise SourceUnavailable(f"Harvest {resource} answered no JSON") from exc
    if not isinstance(page, list):
        raise SourceUnavailable(f"Harvest {resource} answered no list")
    return [record for record in page if isinstance(record, dict)]


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


def _label(url: str) -> str:
    """The path alone: a cursor in the query says nothing useful in a log."""
    return urlsplit(url).path or "/"
