"""A stand-in Bullhorn REST API: a real HTTP server on loopback.

Shapes, and where each comes from:
- `GET rest-services/loginInfo?username=` answers with a 307 to the user's data
  centre, then `{"oauthUrl", "restUrl", ...}`: Bullhorn's "Getting started with
  REST" (data-centre discovery) and the `OAuthLoginInfoResponse` type of a public
  Bullhorn auth helper (found by code search).
- `GET oauth/authorize?client_id&response_type=code&action=Login&username&password`
  redirects with `?code=`; `POST oauth/token?grant_type=authorization_code|
  refresh_token` answers `{access_token, token_type, expires_in, refresh_token}`;
  `POST rest-services/login?version=*&access_token=` answers `{BhRestToken,
  restUrl}`: `bullhorn/rest-api-docs` `_login.md` and the flow quoted in
  `marcosminshew/mmz` `docs/bullhorn/README.md`.
- A bad or expired BhRestToken is a 401 `{"errorMessage", "errorCode"}`:
  `_errors.md` (the message text is ours).
- `PUT/GET event/subscription/{id}`, `requestId`, `…/lastRequestId` → `{"result"}`:
  `_subscription.md`; event objects as in `bullhorn/sdk-rest`
  `src/test/resources/testdata/rest/event-data.txt`. An empty batch is an empty
  body (reported by a client library; not in the docs). A missing subscription is
  a 404 here [UNVERIFIED: the docs do not say what Bullhorn answers].
- `GET entity/{Entity}/{id,id}?fields=` answers `{"data": {...}}` for one id and
  `{"data": [...]}` for several, 404 when none exist: `_entity.md`. Unknown fields
  are a 400, as Bullhorn does. Nested `a(b,c)` fields and to-one stubs `{"id"}`
  (with `_subtype` for people) follow the sdk-rest fixtures `appointment-data.txt`
  and `appointmentattendee-data.txt`, including `timeZoneID`.
- `GET query/{Entity}?where=&fields=&start=&count=` answers `{total, start, count,
  data}`: `_query.md`; only the `where` forms this service sends are understood.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.bullhorn_data import (
    CORP,
    BullhornState,
    Fault,
    matches,
    select_fields,
)

__all__ = ["BullhornState", "running_bullhorn"]


class _Handler(BaseHTTPRequestHandler):
    state: BullhornState

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output quiet

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        state = self.state
        with state.lock:
            state.calls.append((method, parts.path))
            state.seen_urls.append(self.path)
            fault = _take_fault(state, parts.path)
        if fault is not None and fault.hold is not None:
            fault.hold.wait(10)
            fault = None
        with state.lock:
            if fault is not None:
                return self._send(
                    fault.status, {"errorMessage": "injected"}, fault.headers
                )
            status, body, headers = _route(
                state, method, parts.path, query, self.headers
            )
        self._send(status, body, headers)

    def _send(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _take_fault(state: BullhornState, path: str) -> Fault | None:
    for fault in state.faults:
        if fault.times > 0 and fault.path_part in path:
            fault.times -= 1
            return fault
    return None


Answer = tuple[int, Any, dict[str, str]]


def _route(
    state: BullhornState, method: str, path: str, q: dict[str, str], headers: Any
) -> Answer:
    if path == "/rest-services/loginInfo":
        return 307, None, {"Location": "/dc/rest-services/loginInfo?" + urlencode(q)}
    if path == "/dc/rest-services/loginInfo":
        return (
            200,
            {
                "oauthUrl": state.base_url + "/oauth",
                "restUrl": state.base_url + "/dc/rest-services",
                "atsUrl": "https://cls.example",
                "dataCenterId": 2,
                "superClusterId": 2,
            },
            {},
        )
    if path == "/oauth/authorize":
        return _authorize(state, q)
    if path == "/oauth/token" and method == "POST":
        return _token(state, q)
    if path == "/dc/rest-services/login":
        return _login(state, q)
    prefix = f"/dc/rest-services/{CORP}/"
    if not path.startswith(prefix):
        return 404, {"errorMessage": "not found"}, {}
    token = headers.get("BhRestToken") or q.get("BhRestToken")
    if token not in state.rest_tokens:
        return (
            401,
            {"errorMessage": "Bad 'BhRestToken' or timed-out.", "errorCode": 401},
            {},
        )
    return _rest(state, method, path[len(prefix) :], q)


def _authorize(state: BullhornState, q: dict[str, str]) -> Answer:
    ok = (
        q.get("client_id") == state.client_id
        and q.get("action") == "Login"
        and q.get("username") == state.username
        and q.get("password") == state.password
    )
    if not ok:
        return 200, None, {}  # Bullhorn shows its login page again
    code = state.next_token("code")
    state.codes.add(code)
    return (
        302,
        None,
        {
            "Location": f"https://app.example/callback?code={code}&client_id={state.client_id}"
        },
    )


def _token(state: BullhornState, q: dict[str, str]) -> Answer:
    if (
        q.get("client_id") != state.client_id
        or q.get("client_secret") != state.client_secret
    ):
        return 400, {"error": "invalid_client"}, {}
    grant = q.get("grant_type")
    if grant == "authorization_code" and q.get("code") in state.codes:
        state.codes.discard(q["code"])
    elif grant == "refresh_token" and q.get("refresh_token") in state.refresh_tokens:
        state.refresh_tokens.discard(q["refresh_token"])
    else:
        return 400, {"error": "invalid_grant"}, {}
    refresh = state.next_token("refresh")
    state.refresh_tokens.add(refresh)
    return (
        200,
        {
            "access_token": state.next_token("access"),
            "token_type": "Bearer",
            "expires_in": 600,
            "refresh_token": refresh,
        },
        {},
    )


def _login(state: BullhornState, q: dict[str, str]) -> Answer:
    if not q.get("access_token", "").startswith("access-") or q.get("version") != "*":
        return 401, {"errorMessage": "Invalid or expired OAuth access token."}, {}
    token = state.next_token("bhrest")
    state.rest_tokens.add(token)
    return (
        200,
        {"BhRestToken": token, "restUrl": f"{state.base_url}/dc/rest-services/{CORP}/"},
        {},
    )


def _rest(state: BullhornState, method: str, path: str, q: dict[str, str]) -> Answer:
    match = re.fullmatch(r"event/subscription/([^/]+)(/lastRequestId)?", path)
    if match:
        return _subscription(state, method, match.group(1), bool(match.group(2)), q)
    match = re.fullmatch(r"entity/(\w+)/([\d,]+)", path)
    if match and method == "GET":
        return _entities(state, match.group(1), match.group(2), q)
    match = re.fullmatch(r"query/(\w+)", path)
    if match and method == "GET":
        return _query(state, match.group(1), q)
    return 400, {"errorMessage": f"unsupported call {method} {path}"}, {}


def _subscription(
    state: BullhornState, method: str, name: str, last: bool, q: dict[str, str]
) -> Answer:
    if method == "PUT":
        state.subscriptions[name] = {
            "names": q["names"].split(","),
            "eventTypes": q["eventTypes"].split(","),
        }
        return (
            200,
            {"lastRequestId": 0, "subscriptionId": name, "createdOn": 1764000000000},
            {},
        )
    if name not in state.subscriptions:
        return 404, {"errorMessage": f"Subscription {name} not found"}, {}
    if last:
        return 200, {"result": state.last_request_id}, {}
    if "requestId" in q:
        return (
            200,
            {
                "requestId": int(q["requestId"]),
                "events": state.batches.get(int(q["requestId"]), []),
            },
            {},
        )
    wanted = state.subscriptions[name]
    take = int(q["maxEvents"])
    mine = [e for e in state.queue if e["entityName"] in wanted["names"]][:take]
    if not mine:
        return 200, None, {}  # an empty batch is an empty body
    for event in mine:
        state.queue.remove(event)
    state.last_request_id += 1
    state.batches[state.last_request_id] = mine
    return 200, {"requestId": state.last_request_id, "events": mine}, {}


def _entities(state: BullhornState, entity: str, ids: str, q: dict[str, str]) -> Answer:
    table = state.entities.get(entity, {})
    rows = [table[int(i)] for i in ids.split(",") if int(i) in table]
    if not rows:
        return 404, {"errorMessage": f"No {entity} found"}, {}
    try:
        data = [select_fields(state, row, q["fields"]) for row in rows]
    except KeyError as exc:
        return 400, {"errorMessage": f"Invalid field {exc}"}, {}
    return 200, {"data": data if "," in ids else data[0]}, {}


def _query(state: BullhornState, entity: str, q: dict[str, str]) -> Answer:
    rows = [
        row
        for row in state.entities.get(entity, {}).values()
        if matches(row, q["where"])
    ]
    start, count = int(q.get("start", 0)), int(q.get("count", 20))
    page = rows[start : start + count]
    try:
        data = [select_fields(state, row, q["fields"]) for row in page]
    except KeyError as exc:
        return 400, {"errorMessage": f"Invalid field {exc}"}, {}
    return (
        200,
        {"total": len(rows), "start": start, "count": len(page), "data": data},
        {},
    )


@contextmanager
def running_bullhorn() -> Iterator[BullhornState]:
    """Serve a fresh stand-in on 127.0.0.1 (port 0) for the block."""
    state = BullhornState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
