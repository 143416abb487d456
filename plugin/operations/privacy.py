"""Erasing a person, and purging bodies after the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Update, select, update
from sqlalchemy.orm import InstrumentedAttribute

from plugin import clock
from plugin.extensions import db, rows_changed
from plugin.models import (
    Actor,
    Application,
    Candidate,
    CompetingOffer,
    InboxEvent,
    OutboundEmail,
    TimelineKind,
)
from plugin.operations.notes import delete_notes, purge_expired_notes
from plugin.operations.planning import add_to_timeline

# Bodies of each kind the purge clears per tick, oldest first (docs/operations.md).
PURGE_BATCH = 1000


def forget_candidate(candidate: Candidate, actor: Actor) -> None:
    """Erase name, email and message bodies; keep anonymous counts. Idempotent."""
    application_ids = list(
        db.session.scalars(select(Application.id).filter_by(candidate_id=candidate.id))
    )
    candidate.first_name = candidate.last_name = candidate.email = None
    candidate.timezone = None
    now = clock.now()
    candidate.forgotten_at = candidate.forgotten_at or now
    candidate.opted_out_at = candidate.opted_out_at or now
    if application_ids:
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.application_id.in_(application_ids))
            .values(subject=None, body_text=None, body_html=None)
        )
        db.session.execute(
            update(InboxEvent)
            .where(InboxEvent.application_id.in_(application_ids))
            .values(raw_body=None)
        )
        db.session.execute(
            update(CompetingOffer)
            .where(CompetingOffer.application_id.in_(application_ids))
            .values(note=None)
        )
        delete_notes(application_ids)
    for application_id in application_ids:
        add_to_timeline(
            application_id,
            TimelineKind.ERASED,
            None,
            "the candidate's personal data was erased",
            actor,
        )
    db.session.commit()


def purge_expired_bodies(
    at: datetime, retention_days: int, limit: int = PURGE_BATCH
) -> int:
    """Drop raw bodies, sent bodies and candidates' notes older than the retention.

    At most `limit` rows of each kind per call, the oldest first: a backlog (after
    a long pause, or a shorter retention) drains over the ticks that follow instead
    of holding one long transaction.
    """
    purged = sum(
        rows_changed(statement)
        for statement in expired_body_purges(at, retention_days, limit)
    )
    purged += purge_expired_notes(at, retention_days)
    db.session.commit()
    return purged


def expired_body_purges(
    at: datetime, retention_days: int, limit: int = PURGE_BATCH
) -> list[Update]:
    """The purge's UPDATEs: inbox bodies by receipt, outbox bodies by sending time."""
    cutoff = at - timedelta(days=retention_days)
    return [
        _clear_oldest(
            InboxEvent,
            InboxEvent.received_at,
            InboxEvent.raw_body.is_not(None),
            {"raw_body": None},
            cutoff,
            limit,
        ),
        _clear_oldest(
            OutboundEmail,
            OutboundEmail.sending_started_at,
            OutboundEmail.body_text.is_not(None),
            {"body_text": None, "body_html": None},
            cutoff,
            limit,
        ),
    ]


def _clear_oldest(
    model: type[InboxEvent] | type[OutboundEmail],
    stamp: InstrumentedAttribute[Any],
    held: ColumnElement[bool],
    cleared: dict[str, None],
    cutoff: datetime,
    limit: int,
) -> Update:
    # `held` is the condition of the table's partial index on `stamp`: purged rows
    # leave that index, so finding the next ones never reads the purged history.
    # The UPDATE repeats the conditions so that its own scan may use the index too.
    oldest = select(model.id).where(stamp < cutoff, held).order_by(stamp).limit(limit)
    return (
        update(model)
        .where(stamp < cutoff, held, model.id.in_(oldest.scalar_subquery()))
        .values(**cleared)
        .execution_options(synchronize_session=False)
    )
