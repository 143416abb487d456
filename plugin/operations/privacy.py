"""Erasing a person, and purging bodies after the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

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


def purge_expired_bodies(at: datetime, retention_days: int) -> int:
    """Drop raw bodies, sent bodies and candidates' notes older than the retention."""
    cutoff = at - timedelta(days=retention_days)
    purged = rows_changed(
        update(InboxEvent)
        .where(InboxEvent.received_at < cutoff, InboxEvent.raw_body.is_not(None))
        .values(raw_body=None)
        .execution_options(synchronize_session=False)
    )
    purged += rows_changed(
        update(OutboundEmail)
        .where(
            OutboundEmail.sending_started_at < cutoff,
            OutboundEmail.body_text.is_not(None),
        )
        .values(body_text=None, body_html=None)
        .execution_options(synchronize_session=False)
    )
    purged += purge_expired_notes(at, retention_days)
    db.session.commit()
    return purged
