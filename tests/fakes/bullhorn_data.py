"""The stand-in Bullhorn's data: records, queued events, faults, and field selection.

See `tests/fakes/bullhorn_api.py` for where each shape comes from.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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
    hold: threading.Event | None = None  # answer normally once this is set


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

    def hold(self, path_part: str) -> threading.Event:
        """Keep the next matching call waiting until the returned event is set."""
        gate = threading.Event()
        self.faults.append(Fault(path_part, 200, times=1, hold=gate))
        return gate

    def rest_calls(self) -> list[tuple[str, str]]:
        """Calls to the REST data API (not the login flow)."""
        return [c for c in self.calls if f"/{CORP}/" in c[1]]

    def next_token(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"


def matches(row: dict[str, Any], where: str) -> bool:
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


def select_fields(
    state: BullhornState, row: dict[str, Any], fields: str
) -> dict[str, Any]:
    """Apply a `fields` list such as `id,owner(id,firstName)`; unknown → KeyError."""
    chosen: dict[str, Any] = {"id": row["id"]}
    for name, sub in _parse_fields(fields):
        value = row[name]
        if sub is not None and isinstance(value, dict):
            value = select_fields(state, _resolve(state, name, value), sub)
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
