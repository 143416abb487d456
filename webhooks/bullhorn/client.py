"""Bullhorn REST: data-centre discovery, OAuth login, sessions, retries.

The flow follows Bullhorn's REST docs (`bullhorn/rest-api-docs`, `_login.md` and
"Getting started"): `rest-services/loginInfo?username=` (answers with a 307 to the
user's data centre, then `oauthUrl` and `restUrl`), `oauth/authorize?action=Login`
(a redirect whose Location carries `code`), `oauth/token` (access and refresh
tokens), then `rest-services/login`, which returns `BhRestToken` and the `restUrl`
every later call must use. Tokens and passwords never reach a log line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from webhooks import SourceUnavailable
from webhooks.bullhorn.responses import (
    answer,
    label,
    retry_after,
    retryable,
)

# httpx, with all it loads, is imported where a request is made: every process
# loads the sources, and most never call this ATS.
if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
# httpx logs every URL at INFO, and Bullhorn puts the password (authorize) and the
# access token (login) in the query string: keep those lines out of any log.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

SESSION_TTL_MINUTES = 20
SESSION_TTL_SECONDS = SESSION_TTL_MINUTES * 60.0
REFRESH_MARGIN_SECONDS = 60
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 60.0
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Credentials:
    """The API user and OAuth client a firm gets from Bullhorn support."""

    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    login_url: str = "https://rest.bullhornstaffing.com"
    auth_url: str | None = None  # overrides the oauthUrl that discovery returns


@dataclass
class _Session:
    oauth_url: str = ""
    rest_services_url: str = ""
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    token_expires_at: float = 0.0
    rest_token: str = field(default="", repr=False)
    rest_url: str = ""
    rest_expires_at: float = 0.0


class BullhornClient:
    """One API user's session; every call goes through `call`."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ):
        import httpx

        self._credentials = credentials
        self._sleep = sleep
        self._monotonic = monotonic
        self._http = httpx.Client(timeout=TIMEOUT_SECONDS, transport=transport)
        self._session = _Session()

    def call(
        self, method: str, path: str, params: Mapping[str, Any] | None = None
    ) -> Any:
        """Call `restUrl + path`; JSON back, or None for an empty body."""
        relogged = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._ensure_session()
            response = self._send(
                method,
                self._session.rest_url + path,
                params=params,
                headers={"BhRestToken": self._session.rest_token},
            )
            if response is not None and response.status_code == 401 and not relogged:
                log.info("Bullhorn session refused; logging in again")
                self._session.rest_expires_at = 0.0
                self._session.token_expires_at = 0.0
                relogged = True
                continue
            if response is not None and not retryable(response):
                self._session.rest_expires_at = self._monotonic() + SESSION_TTL_SECONDS
                return answer(response, method, path)
            self._wait(response, attempt, path)
        raise SourceUnavailable(f"Bullhorn {method} {label(path)} kept failing")

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    # --- sessions -------------------------------------------------------------

    def _ensure_session(self) -> None:
        """Log in, or refresh before the access token or the session lapse."""
        now = self._monotonic()
        session = self._session
        if (
            session.rest_token
            and now < session.rest_expires_at - REFRESH_MARGIN_SECONDS
        ):
            return
        if not session.oauth_url:
            self._discover()
        if (
            session.refresh_token
            and now >= session.token_expires_at - REFRESH_MARGIN_SECONDS
        ):
            if not self._refresh():
                self._authorize()
        elif not session.access_token or now >= session.token_expires_at:
            self._authorize()
        self._rest_login()

    def _discover(self) -> None:
        """Find the data centre: loginInfo answers through a 307 redirect."""
        creds = self._credentials
        url = creds.login_url.rstrip("/") + "/rest-services/loginInfo"
        info = self._json("GET", url, params={"username": creds.username}, follow=True)
        oauth, rest = info.get("oauthUrl"), info.get("restUrl")
        if not isinstance(oauth, str) or not isinstance(rest, str):
            raise SourceUnavailable("Bullhorn loginInfo answered without oauthUrl")
        self._session.oauth_url = (creds.auth_url or oauth).rstrip("/")
        self._session.rest_services_url = rest.rstrip("/")

    def _authorize(self) -> None:
        """Get an authorization code with the API user's credentials."""
        creds = self._credentials
        params = {
            "client_id": creds.client_id,
            "response_type": "code",
            "action": "Login",
            "username": creds.username,
            "password": creds.password,
        }
        response = self._send(
            "GET", self._session.oauth_url + "/authorize", params=params
        )
        if response is None or response.status_code >= 400:
            status = response.status_code if response is not None else "no answer"
            raise SourceUnavailable(f"Bullhorn /oauth/authorize answered {status}")
        location = response.headers.get("location", "")
        code = parse_qs(urlsplit(location).query).get("code", [""])[0]
        if not code:
            raise SourceUnavailable(
                "Bullhorn authorize gave no code: check BULLHORN_USERNAME, "
                "BULLHORN_PASSWORD and BULLHORN_CLIENT_ID"
            )
        self._token({"grant_type": "authorization_code", "code": code})

    def _refresh(self) -> bool:
        """Trade the refresh token for new tokens; False when Bullhorn refuses."""
        try:
            self._token(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": self._session.refresh_token,
                }
            )
        except SourceUnavailable:
            log.info("Bullhorn refused the refresh token; logging in afresh")
            self._session.refresh_token = ""
            return False
        return True

    def _token(self, grant: dict[str, str]) -> None:
        creds = self._credentials
        params = {
            **grant,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
        }
        tokens = self._json("POST", self._session.oauth_url + "/token", params=params)
        if not isinstance(tokens.get("access_token"), str):
            raise SourceUnavailable("Bullhorn oauth/token answered without a token")
        session = self._session
        session.access_token = tokens["access_token"]
        session.refresh_token = str(tokens.get("refresh_token") or "")
        lifetime = tokens.get("expires_in")
        lifetime = lifetime if isinstance(lifetime, int) and lifetime > 0 else 600
        session.token_expires_at = self._monotonic() + lifetime

    def _rest_login(self) -> None:
        """Open a REST session; its restUrl names the firm's data centre."""
        session = self._session
        params = {
            "version": "*",
            "access_token": session.access_token,
            "ttl": SESSION_TTL_MINUTES,
        }
        answer = self._json("POST", session.rest_services_url + "/login", params=params)
        token, rest_url = answer.get("BhRestToken"), answer.get("restUrl")
        if not isinstance(token, str) or not isinstance(rest_url, str):
            raise SourceUnavailable("Bullhorn login answered without BhRestToken")
        session.rest_token = token
        session.rest_url = rest_url.rstrip("/") + "/"
        session.rest_expires_at = self._monotonic() + SESSION_TTL_SECONDS

    # --- HTTP -----------------------------------------------------------------

    def _json(
        self, method: str, url: str, *, params: Mapping[str, Any], follow: bool = False
    ) -> dict[str, Any]:
        """An auth-flow call with retries; a JSON object back or SourceUnavailable."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            response = self._send(method, url, params=params, follow=follow)
            if response is not None and not retryable(response):
                parsed = answer(response, method, urlsplit(url).path)
                if not isinstance(parsed, dict):
                    raise SourceUnavailable(f"Bullhorn {label(url)} answered no JSON")
                return parsed
            self._wait(response, attempt, url)
        raise SourceUnavailable(f"Bullhorn {label(url)} kept failing")

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        follow: bool = False,
    ) -> httpx.Response | None:
        """One request; None when the network failed (retried like a 5xx)."""
        import httpx

        try:
            return self._http.request(
                method, url, params=params, headers=headers, follow_redirects=follow
            )
        except httpx.HTTPError as exc:
            log.warning("Bullhorn %s unreachable (%s)", label(url), type(exc).__name__)
            return None

    def _wait(self, response: httpx.Response | None, attempt: int, url: str) -> None:
        """Back off: Retry-After on a 429, else 1, 2, 4, 8 s; give up if too long."""
        if attempt >= MAX_ATTEMPTS:
            return
        delay = retry_after(response) if response is not None else None
        if delay is None:
            delay = float(2 ** (attempt - 1))
        if delay > MAX_WAIT_SECONDS:
            raise SourceUnavailable(
                f"Bullhorn asks to wait {delay:.0f} s before {label(url)}"
            )
        status = response.status_code if response is not None else "no answer"
        log.info("Bullhorn %s: %s; retrying in %.1f s", label(url), status, delay)
        self._sleep(delay)
