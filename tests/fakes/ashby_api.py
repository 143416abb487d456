"""A stand-in Ashby: its RPC-style API as a real HTTP server on loopback, and webhooks.

Shapes, and where each comes from:
- Every call is `POST /<category>.<method>` with a JSON body and Basic auth (API key
  as user name, empty password), answering `{"success": true, "results": {...}}`,
  or `{"success": false, "errors": [...], "errorInfo": {"code", "message"}}`:
  developers.ashbyhq.com "Authentication" and Ashby's OpenAPI as mirrored in
  api-evangelist/ashby `openapi/ashby-application-api-openapi.yml` and
  `ashby-candidate-api-openapi.yml`. The `*_not_found` code is [UNVERIFIED].
- `application.info {applicationId}` → `id, createdAt, updatedAt, status, candidate
  {id, name, primaryEmailAddress{value,type,isPrimary}}, currentInterviewStage, job
  {id, title, locationId, departmentId}, hiringTeam[] {email, firstName, lastName,
  role, userId}, archiveReason {id, text, reasonType, isArchived}`: the OpenAPI,
  and NangoHQ/integration-templates `integrations/ashby/actions/create-application.md`.
- `candidate.info {candidateId}` → `id, name, primaryEmailAddress, emailAddresses,
  timezone, location, applicationIds, ...`: `ashby-candidate-api-openapi.yml`.
- Webhooks: `{"webhookActionId", "action", "data"}` signed `Ashby-Signature:
  sha256=<hex>` (HMAC-SHA256 of the raw body): developers.ashbyhq.com
  "authenticating-webhooks", "related-webhooks"; the `interviewSchedule` shape
  (`id, status, applicationId, interviewStageId, createdAt, updatedAt,
  interviewEvents[] {id, interviewId, startTime, endTime, location, interviewers[]}`)
  from `ashby-webhook-payloads-api-openapi.yml`; `ping` is `{"action": "ping",
  "data": {"webhookActionType": "ping"}}` ("setting-up-webhooks").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "ashby-test-api-key"
WEBHOOK_SECRET = "ashby-webhook-secret-1"


@dataclass
class AshbyState:
    """What the stand-in Ashby knows, what it was asked, and faults to inject."""

    applications: dict[str, dict[str, Any]] = field(default_factory=dict)
    candidates: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    fail_with: int | None = None  # answer every call with this status
    delay_seconds: float = 0.0
    url: str = ""

    def reset_calls(self) -> None:
        """Forget the calls counted so far."""
        self.calls.clear()


class _Handler(BaseHTTPRequestHandler):
    state: AshbyState

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        endpoint = self.path.lstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.state.calls[endpoint] += 1
        if self.state.delay_seconds:
            time.sleep(self.state.delay_seconds)
        if self.state.fail_with:
            self._send(self.state.fail_with, {"success": False, "errors": ["down"]})
            return
        expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._send(401, {"success": False, "errors": ["invalid_api_key"]})
            return
        self._answer(endpoint, body)

    def _answer(self, endpoint: str, body: dict[str, Any]) -> None:
        tables = {
            "application.info": ("applications", "applicationId", "application"),
            "candidate.info": ("candidates", "candidateId", "candidate"),
        }
        if endpoint not in tables:
            self._send(404, {"success": False, "errors": ["unknown_endpoint"]})
            return
        table, key, noun = tables[endpoint]
        record = getattr(self.state, table).get(body.get(key))
        if record is None:
            code = f"{noun}_not_found"
            self._send(
                200,
                {
                    "success": False,
                    "errors": [code],
                    "errorInfo": {"code": code, "message": "Not found"},
                },
            )
            return
        self._send(200, {"success": True, "results": record})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return  # quiet: tests read the counted calls instead


@contextmanager
def running_ashby(state: AshbyState | None = None) -> Iterator[AshbyState]:
    """Serve `state` on a free loopback port for the duration of the block."""
    state = state or AshbyState()
    handler = type("AshbyHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def signed(payload: Any, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    """The body and `Ashby-Signature` header Ashby would send for `payload`."""
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Ashby-Signature": f"sha256={digest}"}


def seed_tenant(state: AshbyState, timezone: str | None = "America/Chicago") -> None:
    """One application for a job, its candidate (in `timezone`) and hiring team."""
    state.candidates["cand-881"] = {
        "id": "cand-881",
        "name": "Dana Okafor",
        "primaryEmailAddress": {
            "value": "dana@example.org",
            "type": "Personal",
            "isPrimary": True,
        },
        "emailAddresses": [],
        "phoneNumbers": [],
        "applicationIds": ["appl-5521"],
        "timezone": timezone,
    }
    state.applications["appl-5521"] = application_record()


def application_record(**changes: Any) -> dict[str, Any]:
    """`application.info`'s results for the seeded application, with changes."""
    record: dict[str, Any] = {
        "id": "appl-5521",
        "createdAt": "2026-11-20T10:00:00.000Z",
        "updatedAt": "2026-11-28T15:00:00.000Z",
        "status": "Active",
        "candidate": {
            "id": "cand-881",
            "name": "Dana Okafor",
            "primaryEmailAddress": {
                "value": "dana@example.org",
                "type": "Personal",
                "isPrimary": True,
            },
        },
        "currentInterviewStage": {"id": "stage-onsite", "title": "Onsite"},
        "job": {"id": "job-1", "title": "Payroll Specialist"},
        "hiringTeam": [
            {
                "email": "sam@staffing.example",
                "firstName": "Sam",
                "lastName": "Rivera",
                "role": "Recruiter",
                "userId": "user-7",
            }
        ],
        "archiveReason": None,
        "archivedAt": None,
    }
    record.update(changes)
    return record


def schedule(
    status: str = "Scheduled",
    start: str = "2026-12-01T20:00:00.000Z",
    end: str = "2026-12-01T21:00:00.000Z",
    updated_at: str = "2026-11-28T15:00:00.000Z",
) -> dict[str, Any]:
    """An `interviewSchedule` with one interview event, as Ashby's webhooks carry."""
    people = [("user-301", "Lee", "Park", "lee@acme.example")]
    people.append(("user-302", "Ana", "Ruiz", "ana@acme.example"))
    return {
        "id": "sched-1",
        "status": status,
        "applicationId": "appl-5521",
        "interviewStageId": "stage-onsite",
        "createdAt": "2026-11-27T10:00:00.000Z",
        "updatedAt": updated_at,
        "interviewEvents": [
            {
                "id": "event-1",
                "interviewId": "interview-1",
                "interviewScheduleId": "sched-1",
                "interviewers": [
                    {
                        "id": user_id,
                        "firstName": first,
                        "lastName": last,
                        "email": email,
                        "globalRole": "Interviewer",
                        "isEnabled": True,
                        "isFeedbackRequired": True,
                    }
                    for user_id, first, last, email in people
                ],
                "createdAt": "2026-11-27T10:00:00.000Z",
                "updatedAt": updated_at,
                "startTime": start,
                "endTime": end,
                "location": "Acme HQ, Springfield",
                "meetingLink": None,
                "hasSubmittedFeedback": False,
            }
        ],
    }


def ashby_settings(state: AshbyState) -> dict[str, str]:
    """Env-style settings pointing the app at the stand-in."""
    return {
        "ASHBY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "ASHBY_API_KEY": API_KEY,
        "ASHBY_API_URL": state.url,
    }


def post(client: Any, payload: Any, secret: str = WEBHOOK_SECRET) -> Any:
    """Deliver an Ashby webhook, signed as Ashby signs it, to the app."""
    body, headers = signed(payload, secret)
    return client.post(
        "/webhooks/ashby", data=body, headers=headers, content_type="application/json"
    )


def webhook(action: str, data: dict[str, Any], action_id: str | None) -> dict[str, Any]:
    """An Ashby webhook body; `action_id` None leaves `webhookActionId` out."""
    body: dict[str, Any] = {"action": action, "data": data}
    if action_id is not None:
        body["webhookActionId"] = action_id
    return body
