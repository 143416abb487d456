"""Poll pull sources: claim the source, read a batch, store it, then acknowledge.

A poll claims its source's row under a row lock and marks it busy (a lease), so two
schedulers never poll one source at once. The batch's raw events and the new cursor
are committed together; only then are inbox jobs queued and the vendor told. A poll
that dies between reading and storing leaves its lease behind: the next poll after
the lease sees that and asks the vendor for the same batch again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from plugin import clock
from plugin.config import app_settings, firm_policy
from plugin.extensions import db
from plugin.extensions.queues import EVENTS_QUEUE, PROCESS_INBOX_EVENT, enqueue_many
from plugin.models import (
    Application,
    ApplicationStatus,
    Candidate,
    ConnectionState,
    InboxEvent,
    InboxStatus,
    Interview,
    InterviewStatus,
    SourceState,
)
from webhooks import (
    KnownInterview,
    PollBatch,
    PollContext,
    PullConnection,
    PullSource,
    SourceUnavailable,
    all_sources,
    pull_source,
)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
MAX_BATCHES_PER_POLL = 10
RECONCILE_WINDOW = timedelta(days=30)


class SourceBusy(Exception):
    """Another poll of this source is running."""


@dataclass
class PollReport:
    """What one poll cycle did, for the CLI and the logs."""

    source: str
    stored: int = 0
    duplicates: int = 0
    batches: int = 0
    notes: list[str] = field(default_factory=list)


def poll_source(name: str) -> PollReport:
    """Run one poll cycle: batches until the vendor has no more (or ten)."""
    source = _pull_source(name)
    connection = source.connect(app_settings())
    report = PollReport(name)
    for _ in range(MAX_BATCHES_PER_POLL):
        if not _poll_batch(source, connection, report):
            break
    return report


def check_source(name: str) -> list[str]:
    """Authenticate and verify the source's subscription; say what was found."""
    source = _pull_source(name)
    return source.connect(app_settings()).check(_context(name, False))


def poll_configured_sources() -> list[PollReport]:
    """Poll every pull source that has its settings; one failing spares the rest."""
    reports = []
    for source in all_sources():
        if not isinstance(source, PullSource):
            continue
        if source.missing_settings(app_settings()):
            continue
        try:
            reports.append(poll_source(source.name))
        except (SourceUnavailable, SourceBusy) as exc:
            log.warning("polling %s: %s", source.name, exc)
    return reports


def open_interviews(source: str) -> list[KnownInterview]:
    """Interviews of `source` still being coached, by the source's own ids."""
    rows = db.session.execute(
        select(Interview.external_id, Application.external_id, Candidate.external_id)
        .join(Application, Interview.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .where(
            Interview.source == source,
            Interview.status == InterviewStatus.SCHEDULED,
            Application.status == ApplicationStatus.ACTIVE,
            Interview.ends_at >= clock.now() - RECONCILE_WINDOW,
        )
    ).all()
    return [KnownInterview(*row) for row in rows]


def known_interview(source: str, interview_id: str) -> KnownInterview | None:
    """One interview of `source` by its own id, with its application and candidate."""
    row = db.session.execute(
        select(Interview.external_id, Application.external_id, Candidate.external_id)
        .join(Application, Interview.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .where(Interview.source == source, Interview.external_id == interview_id)
    ).first()
    return None if row is None else KnownInterview(*row)


def backlog(source: str) -> int:
    """Stored events of `source` not yet processed."""
    return int(
        db.session.scalar(
            select(func.count(InboxEvent.id)).where(
                InboxEvent.source == source,
                InboxEvent.status == InboxStatus.PENDING,
            )
        )
        or 0
    )


def _pull_source(name: str) -> PullSource:
    source = pull_source(name)
    if source is None:
        raise LookupError(name)
    return source


def _context(name: str, interrupted: bool) -> PollContext:
    return PollContext(
        now=clock.now(),
        policy=firm_policy(),
        interrupted=interrupted,
        open_interviews=lambda: open_interviews(name),
    )


def _poll_batch(
    source: PullSource, connection: PullConnection, report: PollReport
) -> bool:
    """Claim, read, store, acknowledge one batch; True when more is waiting."""
    cursor, interrupted = _claim(source.name)
    try:
        batch = connection.poll(cursor, _context(source.name, interrupted))
    except Exception as exc:
        db.session.rollback()
        reason = str(exc) if isinstance(exc, SourceUnavailable) else type(exc).__name__
        _record_failure(source.name, reason)
        raise
    event_ids = _store(source.name, batch, report)
    enqueue_many(
        EVENTS_QUEUE,
        PROCESS_INBOX_EVENT,
        [((i,), f"inbox-event-{i}") for i in event_ids],
    )
    connection.acknowledge(batch.cursor)
    report.batches += 1
    report.notes += batch.notes
    return batch.more


def _claim(name: str) -> tuple[dict[str, Any], bool]:
    """Take the source's lease under a row lock; say if the last poll was cut."""
    now = clock.now()
    state = _locked_state(name)
    started = state.poll_started_at
    if started is not None and now - started < LEASE:
        db.session.rollback()
        raise SourceBusy(f"another poll of {name} is running")
    interrupted = state.interrupted or started is not None
    state.poll_started_at = now
    state.last_poll_at = now
    cursor = dict(state.cursor or {})
    db.session.commit()
    return cursor, interrupted


def _locked_state(name: str) -> SourceState:
    query = select(SourceState).filter_by(name=name).with_for_update()
    state = db.session.scalars(query).one_or_none()
    if state is not None:
        return state
    try:
        db.session.add(SourceState(name=name, cursor={}, interrupted=False))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another scheduler created it first
    return db.session.scalars(query).one()


def _store(name: str, batch: PollBatch, report: PollReport) -> list[int]:
    """Store the batch's new events and the cursor in one transaction."""
    wanted = {event.delivery_id: event for event in batch.events}
    report.duplicates += len(batch.events) - len(wanted)
    known = set(
        db.session.scalars(
            select(InboxEvent.delivery_id).where(
                InboxEvent.source == name, InboxEvent.delivery_id.in_(list(wanted))
            )
        )
    )
    report.duplicates += len(known)
    rows = [
        InboxEvent(
            source=name,
            delivery_id=event.delivery_id,
            event_type=event.event_type,
            raw_body=event.body,
        )
        for delivery_id, event in wanted.items()
        if delivery_id not in known
    ]
    db.session.add_all(rows)
    state = db.session.get(SourceState, name)
    assert state is not None
    _record_success(state, batch, len(rows), clock.now())
    db.session.commit()
    report.stored += len(rows)
    return [row.id for row in rows]


def _record_success(
    state: SourceState, batch: PollBatch, stored: int, now: datetime
) -> None:
    state.cursor = batch.cursor
    state.poll_started_at = None
    state.interrupted = False
    state.connection = ConnectionState.CONNECTED
    state.last_good_poll_at = now
    state.last_result = f"ok: {stored} new event(s)"
    state.last_error = None
    state.events_stored += stored


def _record_failure(name: str, reason: str) -> None:
    """Free the lease and remember to re-read: the batch may have been read."""
    state = db.session.get(SourceState, name)
    if state is None:
        return
    state.poll_started_at = None
    state.interrupted = True
    state.connection = ConnectionState.FAILING
    state.last_result = "error"
    state.last_error = reason[:500]
    db.session.commit()
    log.warning("poll of %s failed: %s", name, reason)
