"""Bullhorn's event subscription, read in batches, plus backfill and reconciliation.

Shapes from `bullhorn/rest-api-docs` `_subscription.md`: `PUT
event/subscription/{id}?type=entity&names=…&eventTypes=…` creates it, `GET
event/subscription/{id}?maxEvents=` reads (and purges) a batch `{requestId, events}`,
`requestId=` re-reads a batch, and `…/lastRequestId` answers `{"result": n}`. An
empty batch comes back as an empty body. Appointments are queried with
`query/Appointment` (`_query.md`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from webhooks import (
    KnownInterview,
    PollBatch,
    PollContext,
    PullConnection,
    PulledEvent,
    SourceUnavailable,
)
from webhooks.bullhorn import records, snapshots
from webhooks.bullhorn.client import BullhornClient
from webhooks.bullhorn.responses import NotFound

log = logging.getLogger(__name__)

ENTITY_NAMES = "Appointment,JobSubmission,Placement"
EVENT_TYPES = "INSERTED,UPDATED,DELETED"
MAX_EVENTS = 100


class BullhornConnection(PullConnection):
    """Polls one subscription with one API user's session."""

    def __init__(self, client: BullhornClient, subscription: str):
        self.client = client
        self.subscription = subscription

    def check(self, context: PollContext) -> list[str]:
        """Log in and look for the subscription."""
        try:
            last = self._last_request_id()
        except NotFound:
            return [
                "Logged in to Bullhorn.",
                f"Subscription {self.subscription!r} is absent: the next poll "
                "creates it and backfills recent and upcoming interviews.",
            ]
        return [
            "Logged in to Bullhorn.",
            f"Subscription {self.subscription!r} is present (last requestId {last}).",
        ]

    def poll(self, cursor: Mapping[str, Any], context: PollContext) -> PollBatch:
        """Subscribe and backfill on first contact, read one batch, reconcile daily."""
        state = dict(cursor)
        batch = PollBatch(events=[], cursor=state)
        if state.get("subscription") != self.subscription:
            self._subscribe()
            batch.events += snapshots.backfill(self.client, context)
            state.update(subscription=self.subscription, request_id=0)
            state["reconciled_at"] = context.now.isoformat()
            batch.notes.append(
                f"subscribed; backfilled {len(batch.events)} interview(s)"
            )
        raw = self._read(state, context.interrupted)
        batch.more = len(raw) >= MAX_EVENTS
        batch.events += self._pulled(raw, context)
        if snapshots.reconcile_due(state.get("reconciled_at"), context.now):
            reconciled = snapshots.reconcile(self.client, context)
            batch.events += reconciled
            state["reconciled_at"] = context.now.isoformat()
            batch.notes.append(f"reconciled {len(reconciled)} open interview(s)")
        return batch

    # --- the subscription -------------------------------------------------------

    def _path(self) -> str:
        return f"event/subscription/{self.subscription}"

    def _last_request_id(self) -> int:
        answer = self.client.call("GET", self._path() + "/lastRequestId")
        result = answer.get("result") if isinstance(answer, dict) else None
        return result if isinstance(result, int) else 0

    def _subscribe(self) -> None:
        """Create the subscription unless it is there already."""
        try:
            self._last_request_id()
            return
        except NotFound:
            pass
        params = {"type": "entity", "names": ENTITY_NAMES, "eventTypes": EVENT_TYPES}
        self.client.call("PUT", self._path(), params)
        log.info("Bullhorn subscription %s created", self.subscription)

    def _read(self, state: dict[str, Any], interrupted: bool) -> list[dict[str, Any]]:
        """One batch; after an interrupted poll, the unstored one again first."""
        params: dict[str, Any] = {"maxEvents": MAX_EVENTS}
        try:
            if interrupted:
                last = self._last_request_id()
                if last > int(state.get("request_id") or 0):
                    params["requestId"] = last
                    log.info("Bullhorn: re-reading batch %s", last)
            answer = self.client.call("GET", self._path(), params)
        except NotFound as exc:
            state.pop("subscription", None)
            raise SourceUnavailable(
                f"Bullhorn subscription {self.subscription!r} is gone; "
                "the next poll creates it again"
            ) from exc
        return _events_of(answer, state)

    # --- turning events into inbox rows -----------------------------------------

    def _pulled(
        self, raw: list[dict[str, Any]], context: PollContext
    ) -> list[PulledEvent]:
        """Fetch what the events lack and pair each event with its records."""
        policy = context.policy.sources.bullhorn
        wanted = _ids_by_entity(raw)
        appointments = records.appointments_with_parents(
            self.client, wanted["Appointment"]
        )
        bundles = records.interview_bundles(
            self.client,
            records.interview_parents(appointments, policy.interview_types),
            policy.include_staff_attendees,
        )
        submissions = records.get_many(
            self.client,
            "JobSubmission",
            wanted["JobSubmission"],
            records.SUBMISSION_FIELDS,
        )
        placements = records.get_many(
            self.client, "Placement", wanted["Placement"], records.PLACEMENT_FIELDS
        )
        known = _Known(context)
        pulled = []
        for event in raw:
            entity_id = event.get("entityId")
            body: dict[str, Any] = {"event": event}
            if event.get("entityName") == "Appointment":
                appointment = appointments.get(entity_id)  # type: ignore[arg-type]
                parent_key = records.parent_id(appointment or {}) or entity_id
                body["appointment"] = bundles.get(parent_key)  # type: ignore[arg-type]
                if appointment is None:
                    body["known"] = known.get(entity_id)
            body["submission"] = submissions.get(entity_id)  # type: ignore[arg-type]
            body["placement"] = placements.get(entity_id)  # type: ignore[arg-type]
            pulled.append(snapshots.as_pulled(event, body))
        return pulled


class _Known:
    """Open interviews by id, read from the database only if an event needs it."""

    def __init__(self, context: PollContext):
        self._context = context
        self._by_id: dict[str, KnownInterview] | None = None

    def get(self, entity_id: Any) -> dict[str, str] | None:
        if self._by_id is None:
            self._by_id = {k.interview_id: k for k in self._context.open_interviews()}
        known = self._by_id.get(str(entity_id))
        return None if known is None else snapshots.known_dict(known)


def _events_of(answer: Any, state: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of a batch; a batch we cannot read is skipped, loudly."""
    if answer is None:
        return []
    request_id = answer.get("requestId") if isinstance(answer, dict) else None
    if isinstance(request_id, int):
        state["request_id"] = request_id
    events = answer.get("events") if isinstance(answer, dict) else None
    if not isinstance(events, list):
        log.error("Bullhorn sent an event batch without an events list; skipped")
        return []
    return [event for event in events if isinstance(event, dict)]


def _ids_by_entity(raw: list[dict[str, Any]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {
        "Appointment": set(),
        "JobSubmission": set(),
        "Placement": set(),
    }
    for event in raw:
        name, entity_id = event.get("entityName"), event.get("entityId")
        kind = event.get("entityEventType")
        if name not in wanted or not isinstance(entity_id, int):
            continue
        if name == "Placement" and kind != "INSERTED":
            continue  # only a new placement means anything (hired)
        if name == "JobSubmission" and kind == "DELETED":
            continue
        wanted[name].add(entity_id)
    return wanted
