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
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CORP = "corp1"
# Which entity a to-one association points at (people carry `_subtype`).
ASSOCIATIONS = {
    "candidateReference": "Candidate",
    "candidate": "Candidate",
    "jobOrder": "JobOrder",
    "clientCorporation": "ClientCorporation",
    "parentAppointment": "Appointment",
    "appointment": "Appointment",
    "owner": "CorporateUser",
}


@dataclass
class Fault:
    """An answer to give instead of the real one, `times` times."""

    path_part: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class BullhornState:
    """Everything the stand-in knows; tests edit it directly."""

    base_url: str = ""
    client_id: str = "client-1"
    client_secret: str = "secret-1"
    username: str = "api.user"
    password: str = "p@ss word"
    entities: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    queue: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    last_request_id: int = 0
    rest_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    seen_urls: list[str] = field(default_factory=list)
    counter: int = 0
    now_ms: int = 1764000000000  # Bullhorn's clock for event timestamps
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entity: str, record: dict[str, Any]) -> dict[str, Any]:
        """Store a record (to-one fields as `{"id": n}` stubs)."""
        self.entities.setdefault(entity, {})[record["id"]] = record
        return record

    def publish(
        self, entity: str, entity_id: int, kind: str, updated: list[str] | None = None
    ) -> str:
        """Queue an entity event for every subscription that names the entity."""
        self.counter += 1
        event: dict[str, Any] = {
            "eventId": f"ID:JBM-{40000000 + self.counter}",
            "eventType": "ENTITY",
            "eventTimestamp": self.now_ms + self.counter * 1000,
            "eventMetadata": {"PERSON_ID": "2"},
            "entityName": entity,
            "entityId": entity_id,
            "entityEventType": kind,
        }
        if updated is not None:
            event["updatedProperties"] = updated
        self.queue.append(event)
        return event["eventId"]

    def expire_sessions(self) -> None:
        """Every BhRestToken stops working (as after the session's ttl)."""
        self.rest_tokens.clear()

    def fail(self, path_part: str, status: int, times: int = 1, **headers: str) -> None:
        """Answer `status` to the next `times` calls whose path contains path_part."""
        self.faults.append(Fault(path_part, status, headers, times))

    def rest_calls(self) -> list[tuple[str, str]]:
        """Calls to the REST data API (not the login flow)."""
        return [c for c in self.calls if f"/{CORP}/" in c[1]]

    def next_token(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"


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
        data = [_select(state, row, q["fields"]) for row in rows]
    except KeyError as exc:
        return 400, {"errorMessage": f"Invalid field {exc}"}, {}
    return 200, {"data": data if "," in ids else data[0]}, {}


def _query(state: BullhornState, entity: str, q: dict[str, str]) -> Answer:
    rows = [
        row
        for row in state.entities.get(entity, {}).values()
        if _where(row, q["where"])
    ]
    start, count = int(q.get("start", 0)), int(q.get("count", 20))
    page = rows[start : start + count]
    try:
        data = [_select(state, row, q["fields"]) for row in page]
    except KeyError as exc:
        return 400, {"errorMessage": f"Invalid field {exc}"}, {}
    return (
        200,
        {"total": len(rows), "start": start, "count": len(page), "data": data},
        {},
    )


def _where(row: dict[str, Any], where: str) -> bool:
    """The two `where` forms the service sends (attendees by appointment; backfill)."""
    match = re.fullmatch(r"appointment\.id IN \(([\d,]+)\)", where)
    if match:
        return row["appointment"]["id"] in {int(i) for i in match.group(1).split(",")}
    match = re.fullmatch(
        r"type IN \((.+)\) AND dateBegin >= (\d+) AND dateBegin <= (\d+) "
        r"AND isDeleted = false AND parentAppointment IS NULL",
        where,
    )
    if not match:
        raise ValueError(f"unsupported where: {where}")
    types = {t.strip("'") for t in match.group(1).split(",")}
    return (
        row["type"] in types
        and int(match.group(2)) <= row["dateBegin"] <= int(match.group(3))
        and not row["isDeleted"]
        and row.get("parentAppointment") is None
    )


def _select(state: BullhornState, row: dict[str, Any], fields: str) -> dict[str, Any]:
    """Apply a `fields` list such as `id,owner(id,firstName)`; unknown → KeyError."""
    chosen: dict[str, Any] = {"id": row["id"]}
    for name, sub in _parse_fields(fields):
        value = row[name]
        if sub is not None and isinstance(value, dict):
            value = _select(state, _resolve(state, name, value), sub)
        elif isinstance(value, dict) and "id" in value:
            value = {k: value[k] for k in ("id", "_subtype") if k in value}
        chosen[name] = value
        if sub is not None and isinstance(row[name], dict) and "_subtype" in row[name]:
            chosen[name]["_subtype"] = row[name]["_subtype"]
    return chosen


def _resolve(state: BullhornState, name: str, stub: dict[str, Any]) -> dict[str, Any]:
    entity = stub.get("_subtype") or ASSOCIATIONS[name]
    return state.entities[entity][stub["id"]]


def _parse_fields(fields: str) -> Iterator[tuple[str, str | None]]:
    depth, start = 0, 0
    for i, ch in enumerate(fields + ","):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            item = fields[start:i].strip()
            start = i + 1
            if "(" in item:
                yield item[: item.index("(")], item[item.index("(") + 1 : -1]
            elif item:
                yield item, None


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
