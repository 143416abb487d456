"""Ashby's RPC-style API (`ASHBY_API_URL`), read with the firm's API key.

Every call is a `POST /<endpoint>` with a JSON body, Basic auth with the key as the
user name and an empty password, answering `{"success": true, "results": ...}` or
`{"success": false, "errors": [...]}` (developers.ashbyhq.com, "Authentication";
`application.info` and `candidate.info` in Ashby's OpenAPI). One attempt per call:
the inbox job retries with back-off when Ashby is down or slow.
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
    """Ashby knows no such record (a deleted or merged candidate, for example)."""


class AshbyClient:
    """The two reads this service makes; each returns the answer's `results`."""

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
    def from_settings(cls, settings: Mapping[str, Any]) -> AshbyClient:
        """A client for the app's settings; no key means Ashby cannot be asked."""
        if not settings.get("ASHBY_API_KEY"):
            raise SourceUnavailable("ASHBY_API_KEY is not set")
        return cls(settings["ASHBY_API_KEY"], settings["ASHBY_API_URL"])

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def application(self, application_id: str) -> dict[str, Any]:
        """`application.info`: candidate, job, hiring team, status, archive reason."""
        return self._call("application.info", {"applicationId": application_id})

    def candidate(self, candidate_id: str) -> dict[str, Any]:
        """`candidate.info`: the person, with their `timezone` when Ashby knows it."""
        return self._call("candidate.info", {"candidateId": candidate_id})

    def _call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        # Messages name the endpoint only: ids and answers stay out of logs.
        try:
            response = self._http.post(endpoint, json=body)
        except httpx.HTTPError as exc:
            raise SourceUnavailable(
                f"Ashby {endpoint} failed ({type(exc).__name__})"
            ) from exc
        if response.status_code != 200:
            raise SourceUnavailable(f"Ashby {endpoint} answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise SourceUnavailable(f"Ashby {endpoint} answered no JSON") from exc
        if not isinstance(answer, dict):
            raise SourceUnavailable(f"Ashby {endpoint} answered no object")
        if answer.get("success") is not True:
            raise _failure(endpoint, answer)
        results = answer.get("results")
        if not isinstance(results, dict):
            raise SourceUnavailable(f"Ashby {endpoint} answered no results")
        return results


def _failure(endpoint: str, answer: dict[str, Any]) -> Exception:
    """A `success: false` answer: a missing record, else a fault worth a retry."""
    errors = answer.get("errors") or []
    codes = [str(e) for e in errors if isinstance(e, str)]
    info = answer.get("errorInfo")
    if isinstance(info, dict) and isinstance(info.get("code"), str):
        codes.append(info["code"])
    # Ashby's error codes read like "application_not_found".
    if any(code.endswith("_not_found") for code in codes):
        return NotFound(endpoint)
    return SourceUnavailable(f"Ashby {endpoint} answered success=false")
