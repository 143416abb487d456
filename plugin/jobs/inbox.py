"""The inbox job: turn one stored delivery into records and planned steps."""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from sqlalchemy import select

from plugin import clock
from plugin.config import app_settings, firm_policy
from plugin.extensions import db
from plugin.models import InboxEvent, InboxStatus
from plugin.operations.events import apply_event
from plugin.operations.planning import replan
from plugin.operations.sources import known_interview
from webhooks import IgnoredEvent, PayloadError, get_source

log = logging.getLogger(__name__)

MAX_ATTEMPTS = InboxEvent.retry_policy.max_attempts


def process_inbox_event(event_id: int, queued_at: str | None = None) -> None:
    """Apply a stored delivery once; safe to re-run and to run twice at once."""
    with clock.as_of(queued_at):
        _process(event_id)


def _process(event_id: int) -> None:
    event = db.session.scalars(
        select(InboxEvent).filter_by(id=event_id).with_for_update()
    ).one_or_none()
    if event is None or event.status != InboxStatus.PENDING:
        db.session.rollback()
        return
    try:
        _apply(event)
    except IgnoredEvent as ignored:
        db.session.rollback()
        _settle(event_id, InboxStatus.IGNORED, ignored.reason)
        return
    except PayloadError as exc:
        # Valid when accepted, not any more (a stricter release): retrying cannot
        # help, so it is set aside visibly; `followup events replay` takes it up.
        db.session.rollback()
        reason = "no longer passes the schema: " + ", ".join(exc.fields)
        _settle(event_id, InboxStatus.IGNORED, reason)
        return
    except Exception as exc:
        db.session.rollback()
        _record_failure(event_id, exc)
        return
    _settle(event_id, InboxStatus.PROCESSED, None, event)


def _apply(event: InboxEvent) -> None:
    source = get_source(event.source)
    if source is None:
        raise LookupError(f"no source called {event.source!r} is installed")
    if event.raw_body is None:
        raise IgnoredEvent("the body was purged before it was processed")
    payload = json.loads(event.raw_body)
    canonical_events = source.normalise(payload, _settings_for(source.name, event))
    if not canonical_events:
        raise IgnoredEvent("the source found nothing to act on")
    for canonical in canonical_events:
        application = apply_event(source.name, canonical)
        replan(application, firm_policy())
        # One flush writes the event's records and plan, a statement per table.
        db.session.flush()
        event.application_id = application.id


def _settings_for(source: str, event: InboxEvent) -> dict[str, Any]:
    """App settings, plus what a source may need about this delivery and our data."""
    return {
        **app_settings(),
        # For events that carry no time of their own (Greenhouse's deletions).
        "DELIVERY_RECEIVED_AT": event.received_at,
        # For events that name only an interview id we may know.
        "KNOWN_INTERVIEW": partial(known_interview, source),
    }


def _settle(
    event_id: int, status: str, reason: str | None, event: InboxEvent | None = None
) -> None:
    """End a delivery's processing for good: processed, or ignored with a reason."""
    event = event or db.session.get(InboxEvent, event_id)
    if event is None or event.status != InboxStatus.PENDING:
        db.session.rollback()
        return
    event.status, event.processed_at = status, clock.now()
    # Reasons name ids and fields only, never personal data: they are shown as is.
    event.last_error = reason[:500] if reason else None
    db.session.commit()
    log.info("inbox event %s %s", event_id, status)


def _record_failure(event_id: int, exc: Exception) -> None:
    """Count the failure and back off; give up after the retry policy's last try."""
    event = db.session.get(InboxEvent, event_id)
    if event is None or event.status != InboxStatus.PENDING:
        return
    # Only the error's kind and field names: messages may quote personal data.
    detail = ", ".join(exc.fields) if isinstance(exc, PayloadError) else ""
    event.record_failure(f"{type(exc).__name__} {detail}".strip())
    db.session.commit()
    log.warning(
        "inbox event %s failed (%s), attempt %s",
        event_id,
        type(exc).__name__,
        event.attempts,
    )
