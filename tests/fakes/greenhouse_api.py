"""A stand-in Greenhouse: Harvest v3 and its OAuth token URL on loopback, and web hooks.

Shapes, and where each comes from:
- Token: `POST /token`, HTTP Basic `client_id:client_secret`, form
  `grant_type=client_credentials&sub=<user id>`: harvestdocs.greenhouse.io
  "Authentication". The answer's fields (`access_token`, `token_type`, `expires_in`)
  follow RFC 6749 section 5.1; the stored docs do not show Greenhouse's answer body,
  so they are [UNVERIFIED].
- Lists: `GET /v3/<resource>` with filters and `per_page` on the first request only;
  the `Link: <url>; rel="next"` header carries an opaque `cursor` that must be the
  only query parameter; no header on the last page: harvestdocs "Pagination". Filters
  `ids`, `application_ids`, `updated_at=gte|<time>`: "List endpoints", "List
  interviews". A list answers a bare JSON array, as Harvest v1 did [UNVERIFIED for v3].
- Interview records: `id, application_id, status (scheduled | awaiting_feedback |
  complete), start_at/end_at` (UTC) or, all-day, `all_day_start_on/all_day_end_on`,
  `location, video_conferencing_url, interviewers[] {user_id, name, email,
  response_status}, created_at, updated_at`. The `_at`/`_on` names come from
  harvestdocs "Standardizations" and the "List interviews" filters; the interviewer
  fields from v1 `_scheduled_interviews.md` (grnhse/greenhouse-api-docs). The exact v3
  interviewer field names are [UNVERIFIED]: the stored v3 reference lacks the body.
- Application `{id, candidate_id, job_id, status, updated_at}` (v3 puts parent ids in
  children: "Standardizations"), candidate `{id, first_name, last_name,
  email_addresses[{value, type}]}` (v1 names), job `{id, name}` [UNVERIFIED for v3].
- Web hooks: `{"action", "payload"}` signed `Signature: sha256 <hex>` (HMAC-SHA256
  of the raw body), `Greenhouse-Event-ID` header; payloads trimmed from
  grnhse/greenhouse-api-docs `source/includes/webhooks/_candidate_events.md`
  (hire, stage change), `_application_events.md` (offers), `_interview_events.md`;
  `ping` from that repo's issue #276. Bodies are written the way Greenhouse writes
  them, with `<`, `>` and `&` escaped as `\\u003c`, `\\u003e`, `\\u0026`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "gh-client-id"
CLIENT_SECRET = "gh-client-secret"
USER_ID = "4080"
WEBHOOK_SECRET = "greenhouse-secret-key"
RESOURCES = ("interviews", "applications", "candidates", "jobs")


@dataclass
class GreenhouseState:
    """What the stand-in knows, what it was asked, and faults to inject."""

    records: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {name: {} for name in RESOURCES}
    )
    calls: Counter[str] = field(default_factory=Counter)
    tokens: set[str] = field(default_factory=set)
    subjects: list[str] = field(default_factory=list)  # `sub` of each token asked
    fail_with: int | None = None  # answer every Harvest call with this status
    delay_seconds: float = 0.0
    per_page_cap: int = 500
    refused_cursors: int = 0  # cursors sent with other parameters
    url: str = ""

    def add(self, resource: str, record: dict[str, Any]) -> None:
        """Store (or replace) one record."""
        self.records[resource][str(record["id"])] = record

    def harvest_calls(self) -> int:
        """Calls to Harvest itself, tokens not counted."""
        return sum(n for name, n in self.calls.items() if name.startswith("GET"))


class _Handler(BaseHTTPRequestHandler):
    state: GreenhouseState

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        self.state.calls["POST /token"] += 1
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.path != "/token" or self.headers.get("Authorization") != (
            f"Basic {expected}"
        ):
            self._send(401, {"error": "invalid_client"})
            return
        if form.get("grant_type") != ["client_credentials"]:
            self._send(400, {"error": "unsupported_grant_type"})
            return
        token = uuid.uuid4().hex
        self.state.tokens.add(token)
        self.state.subjects += form.get("sub", [""])
        self._send(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        )

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        resource = parts.path.removeprefix("/v3/")
        self.state.calls[f"GET /v3/{resource}"] += 1
        if self.state.delay_seconds:
            time.sleep(self.state.delay_seconds)
        if self.state.fail_with:
            self._send(self.state.fail_with, {"message": "unavailable"})
            return
        bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer not in self.state.tokens:
            self._send(401, {"message": "invalid token"})
            return
        if resource not in RESOURCES:
            self._send(404, {"message": "not found"})
            return
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if "cursor" in query:
            if len(query) > 1:
                self.state.refused_cursors += 1
                self._send(422, {"message": "cursor must be the only parameter"})
                return
            query = json.loads(base64.urlsafe_b64decode(query["cursor"]))
        self._page(resource, query)

    def _page(self, resource: str, query: dict[str, Any]) -> None:
        rows = sorted(self.state.records[resource].values(), key=lambda r: r["id"])
        rows = [row for row in rows if _matches(row, query)]
        per_page = min(int(query.get("per_page") or 100), self.state.per_page_cap)
        offset = int(query.get("offset") or 0)
        page, rest = rows[offset : offset + per_page], rows[offset + per_page :]
        headers = {}
        if rest:
            cursor = base64.urlsafe_b64encode(
                json.dumps({**query, "offset": offset + per_page}).encode()
            ).decode()
            link = f"{self.state.url}/v3/{resource}?{urlencode({'cursor': cursor})}"
            headers["Link"] = f'<{link}>; rel="next"'
        self._send(200, page, headers)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return  # quiet: tests read the counted calls instead


def _matches(row: dict[str, Any], query: dict[str, Any]) -> bool:
    """Harvest v3 filters: `ids`, `application_ids`, `updated_at=gte|<time>`."""
    if "ids" in query and str(row["id"]) not in query["ids"].split(","):
        return False
    if "application_ids" in query and str(row.get("application_id")) not in query[
        "application_ids"
    ].split(","):
        return False
    if "updated_at" in query:
        operator, _, moment = query["updated_at"].partition("|")
        assert operator == "gte", operator
        return _utc(row["updated_at"]) >= _utc(moment)
    return True


def _utc(value: str) -> str:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()


@contextmanager
def running_greenhouse(
    state: GreenhouseState | None = None,
) -> Iterator[GreenhouseState]:
    """Serve `state` on a free loopback port for the duration of the block."""
    state = state or GreenhouseState()
    handler = type("GreenhouseHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def greenhouse_settings(state: GreenhouseState) -> dict[str, str]:
    """Env-style settings pointing the app at the stand-in."""
    return {
        "GREENHOUSE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "GREENHOUSE_CLIENT_ID": CLIENT_ID,
        "GREENHOUSE_CLIENT_SECRET": CLIENT_SECRET,
        "GREENHOUSE_USER_ID": USER_ID,
        "GREENHOUSE_TOKEN_URL": f"{state.url}/token",
        "GREENHOUSE_HARVEST_URL": f"{state.url}/v3",
    }


# --- the panel every side-by-side source knows --------------------------------


def seed_panel(state: GreenhouseState, updated_at: str = "2026-11-28T15:00:00Z"):
    """Dana Okafor's panel with Lee Park and Ana Ruiz, 1 Dec 2026 14:00 Chicago."""
    state.add("candidates", candidate_record())
    state.add(
        "jobs",
        {
            "id": 3485,
            "name": "Payroll Specialist",
            "updated_at": "2026-11-01T00:00:00Z",
        },
    )
    state.add(
        "applications",
        {
            "id": 265277,
            "candidate_id": 265772,
            "job_id": 3485,
            "status": "active",
            "updated_at": updated_at,
        },
    )
    state.add("interviews", interview_record(updated_at=updated_at))


def candidate_record() -> dict[str, Any]:
    """The candidate as Harvest lists her."""
    return {
        "id": 265772,
        "first_name": "Dana",
        "last_name": "Okafor",
        "email_addresses": [{"value": "dana@example.org", "type": "personal"}],
        "updated_at": "2026-11-20T10:00:00Z",
    }


def interview_record(**changes: Any) -> dict[str, Any]:
    """The panel interview as Harvest v3 lists it, with changes."""
    record: dict[str, Any] = {
        "id": 113101,
        "application_id": 265277,
        "status": "scheduled",
        "start_at": "2026-12-01T20:00:00.000Z",
        "end_at": "2026-12-01T21:00:00.000Z",
        "location": "Acme HQ, Springfield",
        "video_conferencing_url": None,
        "interviewers": [
            {
                "user_id": 2622,
                "name": "Lee Park",
                "email": "lee@acme.example",
                "response_status": "accepted",
            },
            {
                "user_id": 2623,
                "name": "Ana Ruiz",
                "email": "ana@acme.example",
                "response_status": "needs_action",
            },
        ],
        "created_at": "2026-11-27T10:00:00Z",
        "updated_at": "2026-11-28T15:00:00Z",
    }
    record.update(changes)
    return record


# --- web hooks -----------------------------------------------------------------


def application_payload(**changes: Any) -> dict[str, Any]:
    """`payload.application` of hire, reject, unhire, unreject and stage change."""
    application: dict[str, Any] = {
        "id": 265277,
        "rejected_at": None,
        "prospect": False,
        "status": "active",
        "applied_at": "2026-11-01T00:00:00Z",
        "last_activity_at": "2026-11-28T15:00:00Z",
        "current_stage": {
            "id": 71416,
            "name": "Onsite",
            "interviews": [
                {
                    "id": 9001,
                    "name": "Panel",
                    "status": "scheduled",
                    "interviewers": [
                        {"id": 2622, "display_name": "Lee Park", "status": "accepted"}
                    ],
                }
            ],
        },
        "candidate": {
            "id": 265772,
            "first_name": "Dana",
            "last_name": "Okafor",
            "email_addresses": [{"value": "dana@example.org", "type": "personal"}],
            "recruiter": {
                "id": 3128,
                "email": "sam@staffing.example",
                "name": "Sam Rivera",
                "employee_id": "789GHI",
            },
        },
        "jobs": [{"id": 3485, "name": "Payroll Specialist", "status": "open"}],
    }
    application.update(changes)
    return application


def webhook(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A web hook body as real deliveries have it, organisation keys included."""
    return {
        "action": action,
        "payload": payload,
        "organization_id": 77,
        "organization_name": "Acme <Logistics> & Co",
    }


def ping() -> dict[str, Any]:
    """The setup ping (greenhouse-api-docs issue #276)."""
    return {
        "action": "ping",
        "payload": {
            "web_hook_id": 1,
            "endpoint_url": "https://followup.example/webhooks/greenhouse",
            "created_at": "2026-11-28T15:00:00Z",
            "updated_at": "2026-11-28T15:00:00Z",
            "name": "Follow-Up Coach",
            "event": "Candidate Hired",
            "active": True,
            "content-type": "application/json",
        },
    }


def encoded(payload: Any) -> bytes:
    """JSON as Greenhouse writes it: `<`, `>` and `&` escaped before signing."""
    text = json.dumps(payload)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.encode()


def signature(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    """The `Signature` header for `body`."""
    return "sha256 " + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(
    client: Any,
    payload: Any,
    event_id: str | None = "new",
    secret: str = WEBHOOK_SECRET,
    body: bytes | None = None,
) -> Any:
    """Deliver a web hook signed as Greenhouse signs it; `event_id` None omits it."""
    body = encoded(payload) if body is None else body
    headers = {"Signature": signature(body, secret)}
    if event_id is not None:
        headers["Greenhouse-Event-ID"] = (
            str(uuid.uuid4()) if event_id == "new" else event_id
        )
    return client.post(
        "/webhooks/greenhouse",
        data=body,
        headers=headers,
        content_type="application/json",
    )
