"""A stand-in Lever: its REST API as a real HTTP server on loopback, and its webhooks.

Shapes, and where each comes from:
- Basic auth with the API key as user name and an empty password; answers wrapped
  as `{"data": ...}`; a 404 for an unknown record: hire.lever.co/developer/
  documentation, "Authentication" and "Responses and Errors".
- `GET /opportunities/{id}?expand=owner&expand=applications`: `id, name, contact,
  emails[], owner` (expanded: `id, name, email`), `applications[]` (expanded:
  `id, posting`), `archived` (`{archivedAt, reason}` or null), `stage`: the same
  page, "Opportunities" and "Customizing the Response" (expand).
- `GET /opportunities/{id}/interviews/{id}`: `id, panel, subject, interviewers[]
  {id, name, email}, timezone, createdAt, date` (epoch ms), `duration` (minutes),
  `location, canceledAt, stage, postings[]`: "Interviews", and the field list in
  NangoHQ/integration-templates
  `integrations/lever/actions/opportunities-interviews.md`.
- `GET /postings/{id}`: `id, text` (the title): "Postings".
- `GET /archive_reasons/{id}`: `id, text, status, type` (`hired` | `non-hired`):
  "Archive Reasons".
- Webhook deliveries: `{"triggeredAt": <epoch ms>, "event", "token", "signature",
  "data"}` with `signature` = hex HMAC-SHA256 of `token + triggeredAt` keyed with the
  webhook's signature token; interview events carry `interviewId, panelId,
  opportunityId`, stage changes `opportunityId, candidateId, contactId, fromStageId,
  toStageId`, archive changes `opportunityId, ..., fromArchived, toArchived
  {archivedAt, reason}`: the working verifier in carlobortolan/embloy
  `app/controllers/integrations/lever/webhooks_controller.rb` and the Lever payload
  type found by code search. A retry resending the same body, `token` and
  `triggeredAt` included, is [UNVERIFIED]: Lever does not publish its retry rules.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "lever-test-api-key"
SIGNATURE_TOKEN = "lever-signature-token-1"
# A second webhook's token: Lever gives each webhook its own.
OTHER_SIGNATURE_TOKEN = "lever-signature-token-2"

# Before the interview, so the whole cadence is still ahead (as in the other worlds).
NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 14:00 in Chicago

ROUTES = (
    ("interview", re.compile(r"^/v1/opportunities/([^/]+)/interviews/([^/]+)$")),
    ("opportunity", re.compile(r"^/v1/opportunities/([^/]+)$")),
    ("posting", re.compile(r"^/v1/postings/([^/]+)$")),
    ("archive_reason", re.compile(r"^/v1/archive_reasons/([^/]+)$")),
)


@dataclass
class LeverState:
    """What the stand-in Lever knows, what it was asked, and faults to inject."""

    opportunities: dict[str, dict[str, Any]] = field(default_factory=dict)
    interviews: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    postings: dict[str, dict[str, Any]] = field(default_factory=dict)
    archive_reasons: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    fail_with: int | None = None  # answer every call with this status
    delay_seconds: float = 0.0
    url: str = ""

    def reset_calls(self) -> None:
        """Forget the calls counted so far."""
        self.calls.clear()


class _Handler(BaseHTTPRequestHandler):
    state: LeverState
    expand: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        parts = urlsplit(self.path)
        path, self.expand = parts.path, parse_qs(parts.query).get("expand", [])
        for label, pattern in ROUTES:
            match = pattern.match(path)
            if match:
                self.state.calls[label] += 1
                self._answer(label, match.groups())
                return
        self._send(404, {"code": "ResourceNotFound", "message": "No such route"})

    def _answer(self, label: str, ids: tuple[str, ...]) -> None:
        if self.state.delay_seconds:
            time.sleep(self.state.delay_seconds)
        if self.state.fail_with:
            self._send(self.state.fail_with, {"code": "ServiceUnavailable"})
            return
        expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._send(401, {"code": "UnauthorizedError", "message": "Bad key"})
            return
        record = self._record(label, ids)
        if record is None:
            self._send(404, {"code": "ResourceNotFound", "message": "Not found"})
        else:
            self._send(200, {"data": record})

    def _record(self, label: str, ids: tuple[str, ...]) -> dict[str, Any] | None:
        state = self.state
        if label == "interview":
            return state.interviews.get((ids[0], ids[1]))
        if label == "opportunity":
            return _expanded(state.opportunities.get(ids[0]), self.expand)
        if label == "posting":
            return state.postings.get(ids[0])
        return state.archive_reasons.get(ids[0])

    def _send(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return  # quiet: tests read the counted calls instead


def _expanded(opportunity: dict[str, Any] | None, expand: list[str]) -> Any:
    """Opportunities are kept expanded; unexpanded links collapse to their ids."""
    if opportunity is None:
        return None
    shown = dict(opportunity)
    if "owner" not in expand and isinstance(shown.get("owner"), dict):
        shown["owner"] = shown["owner"]["id"]
    if "applications" not in expand:
        shown["applications"] = [a["id"] for a in shown.get("applications") or []]
    return shown


@contextmanager
def running_lever(state: LeverState | None = None) -> Iterator[LeverState]:
    """Serve `state` on a free loopback port for the duration of the block."""
    state = state or LeverState()
    handler = type("LeverHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def epoch_ms(moment: datetime) -> int:
    """Lever's epoch milliseconds for an aware datetime."""
    return int(moment.timestamp() * 1000)


def delivery(
    event: str,
    data: dict[str, Any],
    triggered_at: datetime,
    *,
    key: str = SIGNATURE_TOKEN,
    token: str | None = None,
) -> dict[str, Any]:
    """A webhook body as Lever sends it, signed over `token + triggeredAt`."""
    token = token or uuid.uuid4().hex
    when = epoch_ms(triggered_at)
    digest = hmac.new(key.encode(), f"{token}{when}".encode(), hashlib.sha256)
    return {
        "triggeredAt": when,
        "event": event,
        "token": token,
        "signature": digest.hexdigest(),
        "data": data,
    }


def seed_tenant(state: LeverState, starts: datetime) -> None:
    """One opportunity with one onsite interview at `starts`, its job and reasons."""
    state.opportunities["opp-1"] = {
        "id": "opp-1",
        "name": "Dana Okafor",
        "contact": "contact-881",
        "emails": ["dana@example.org"],
        "stage": "stage-onsite",
        "archived": None,
        "owner": {
            "id": "user-7",
            "name": "Sam Rivera",
            "email": "sam@staffing.example",
        },
        "applications": [{"id": "app-1", "type": "posting", "posting": "post-1"}],
    }
    state.interviews[("opp-1", "int-1")] = {
        "id": "int-1",
        "panel": "panel-1",
        "subject": "Onsite with Acme",
        "interviewers": [
            {"id": "user-301", "name": "Lee Park", "email": "lee@acme.example"},
            {"id": "user-302", "name": "Ana Ruiz", "email": "ana@acme.example"},
        ],
        "timezone": "America/Chicago",
        "createdAt": epoch_ms(starts) - 3 * 86_400_000,
        "date": epoch_ms(starts),
        "duration": 60,
        "location": "Acme HQ, Springfield",
        "canceledAt": None,
        "stage": "stage-onsite",
        "postings": ["post-1"],
    }
    state.postings["post-1"] = {"id": "post-1", "text": "Payroll Specialist"}
    for reason_id, text, kind in (
        ("reason-hired", "Hired", "hired"),
        ("reason-underqualified", "Underqualified", "non-hired"),
        ("reason-withdrew", "Withdrew", "non-hired"),
    ):
        state.archive_reasons[reason_id] = {
            "id": reason_id,
            "text": text,
            "status": "active",
            "type": kind,
        }


def interview_data(interview_id: str = "int-1") -> dict[str, str]:
    """The `data` of Lever's interview events."""
    return {"interviewId": interview_id, "panelId": "panel-1", "opportunityId": "opp-1"}


def opportunity_data(**extra: Any) -> dict[str, Any]:
    """The `data` of Lever's candidate events (stage, archive, hired)."""
    return {
        "opportunityId": "opp-1",
        "candidateId": "contact-881",
        "contactId": "contact-881",
        **extra,
    }


def lever_settings(state: LeverState) -> dict[str, str]:
    """Env-style settings pointing the app at the stand-in."""
    return {
        "LEVER_SIGNATURE_TOKEN": f"{SIGNATURE_TOKEN} {OTHER_SIGNATURE_TOKEN}",
        "LEVER_API_KEY": API_KEY,
        "LEVER_API_URL": state.url,
    }


def post(client: Any, body: Any) -> Any:
    """Deliver a Lever webhook body to the app."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/webhooks/lever", data=raw, content_type="application/json")
