"""Backfill on first contact and the daily reconciliation, as appointment snapshots.

A subscription only sees changes made after it exists, and Bullhorn drops events
left unread for seven days; these two queries close both gaps. Appointments are
read with `query/Appointment` (`bullhorn/rest-api-docs` `_query.md`) and the
multi-id `entity/Appointment/{ids}` (`_entity.md`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from webhooks import KnownInterview, PollContext, PulledEvent
from webhooks.bullhorn import records
from webhooks.bullhorn.client import BullhornClient

BACKFILL_PAST = timedelta(days=7)
BACKFILL_AHEAD = timedelta(days=90)
BACKFILL_MAX = 1000
RECONCILE_EVERY = timedelta(days=1)


def backfill(client: BullhornClient, context: PollContext) -> list[PulledEvent]:
    """Interviews from a week back to three months ahead, as snapshots."""
    policy = context.policy.sources.bullhorn
    since = ms(context.now - BACKFILL_PAST)
    until = ms(context.now + BACKFILL_AHEAD)
    types = ",".join("'" + t.replace("'", "''") + "'" for t in policy.interview_types)
    where = (
        f"type IN ({types}) AND dateBegin >= {since} AND dateBegin <= {until} "
        "AND isDeleted = false AND parentAppointment IS NULL"
    )
    found: list[dict[str, Any]] = []
    while len(found) < BACKFILL_MAX:
        answer = client.call(
            "GET",
            "query/Appointment",
            {
                "where": where,
                "fields": records.APPOINTMENT_FIELDS,
                "start": len(found),
                "count": 200,
            },
        )
        data = answer.get("data") if isinstance(answer, dict) else None
        rows = data if isinstance(data, list) else []
        found += [row for row in rows if records.has_id(row)]
        if len(rows) < 200:
            break
    return _snapshots(client, found, context)


def reconcile(client: BullhornClient, context: PollContext) -> list[PulledEvent]:
    """Look again at every interview still open here; report vanished ones."""
    open_ones = {k.interview_id: k for k in context.open_interviews()}
    ids = [int(i) for i in open_ones if i.isdigit()]
    current = records.get_many(client, "Appointment", ids, records.APPOINTMENT_FIELDS)
    gone = [_gone(open_ones[str(i)], context.now) for i in ids if i not in current]
    return _snapshots(client, list(current.values()), context) + gone


def _snapshots(
    client: BullhornClient, appointments: list[dict[str, Any]], context: PollContext
) -> list[PulledEvent]:
    policy = context.policy.sources.bullhorn
    parents = records.interview_parents(
        {row["id"]: row for row in appointments}, policy.interview_types
    )
    bundles = records.interview_bundles(client, parents, policy.include_staff_attendees)
    return [_snapshot(bundle) for bundle in bundles.values()]


def known_dict(known: KnownInterview) -> dict[str, str]:
    """The ids we keep for an interview, as stored beside a Bullhorn event."""
    return {
        "interview": known.interview_id,
        "application": known.application_id,
        "candidate": known.candidate_id,
    }


def as_pulled(event: dict[str, Any], body: dict[str, Any]) -> PulledEvent:
    """An inbox row for one event: Bullhorn's event id is the dedupe key."""
    text = json.dumps(body, sort_keys=True)
    delivery_id = event.get("eventId")
    if not isinstance(delivery_id, str) or not delivery_id or len(delivery_id) > 200:
        delivery_id = (
            "sha256:"
            + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
        )
    label = f"{event.get('entityName')}.{event.get('entityEventType')}"[:80]
    return PulledEvent(delivery_id, label, text.encode())


def _snapshot(bundle: dict[str, Any]) -> PulledEvent:
    """A backfilled or reconciled appointment: its id and version dedupe it."""
    stamp = bundle.get("dateLastModified") or bundle.get("dateBegin")
    event = {
        "entityName": "Appointment",
        "entityId": bundle["id"],
        "entityEventType": "SNAPSHOT",
        "eventTimestamp": stamp,
        "eventId": f"Appointment:{bundle['id']}:{stamp}",
    }
    return as_pulled(event, {"event": event, "appointment": bundle})


def _gone(known: KnownInterview, now: datetime) -> PulledEvent:
    """An open interview Bullhorn no longer has: it was deleted."""
    event = {
        "entityName": "Appointment",
        "entityId": int(known.interview_id),
        "entityEventType": "DELETED",
        "eventTimestamp": ms(now),
        "eventId": f"Appointment:{known.interview_id}:gone",
    }
    return as_pulled(event, {"event": event, "known": known_dict(known)})


def reconcile_due(last: Any, now: datetime) -> bool:
    """True once a day has passed since the last reconciliation (or never ran)."""
    try:
        return now - datetime.fromisoformat(str(last)) >= RECONCILE_EVERY
    except ValueError:
        return True


def ms(instant: datetime) -> int:
    """Bullhorn's timestamps: epoch milliseconds."""
    return int(instant.astimezone(UTC).timestamp() * 1000)
