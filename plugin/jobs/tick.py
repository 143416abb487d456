"""The tick: claim due touchpoints, queue what is due, and recover lost work.

The database is the source of truth; Redis carries only what is due now. Each part
costs a fixed number of statements per batch, whatever the size of the tables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, insert, or_, select, update

from plugin import clock
from plugin.config import firm_policy
from plugin.extensions import db, rows_changed
from plugin.extensions.queues import (
    ALERTS_QUEUE,
    DELIVER_ALERT,
    DELIVER_EMAILS,
    EVENTS_QUEUE,
    MAIL_QUEUE,
    PROCESS_INBOX_EVENT,
    SEND_DIGEST,
    enqueue_many,
)
from plugin.mail.messages import job_timeout
from plugin.models import (
    Alert,
    AlertStatus,
    Digest,
    DigestStatus,
    EmailStatus,
    InboxEvent,
    InboxStatus,
    OutboundEmail,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.digest import recruiters_due_a_digest
from plugin.operations.monitoring import record_tick
from plugin.operations.privacy import purge_expired_bodies

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# A job queued this long ago and still pending was lost (Redis flushed, worker gone).
REQUEUE_AFTER = timedelta(minutes=5)
# A "sending" row this old belongs to a worker that died mid-SMTP (the lease grows
# with SMTP_TIMEOUT: it always outlasts one email's whole conversation).
SENDING_LEASE = timedelta(minutes=10)
# Rows committed as "sending" before DATA; the tick settles those left behind.
SENT_BY_SMTP: tuple[type[OutboundEmail] | type[Alert] | type[Digest], ...] = (
    OutboundEmail,
    Alert,
    Digest,
)


@dataclass
class TickReport:
    """What one tick did, for the CLI and the logs."""

    touchpoints_claimed: int = 0
    emails_queued: int = 0
    events_queued: int = 0
    emails_marked_unknown: int = 0
    alerts_queued: int = 0
    digests_queued: int = 0
    digests_expired: int = 0
    bodies_purged: int = 0


def run_tick(batch_size: int = BATCH_SIZE) -> TickReport:
    """Do everything due at `clock.now()`, `batch_size` rows per transaction."""
    at = clock.now()
    report = TickReport()
    report.emails_marked_unknown = mark_abandoned_sending(at)
    report.events_queued = _in_batches(queue_due_events, at, batch_size)
    report.touchpoints_claimed = _in_batches(claim_due_touchpoints, at, batch_size)
    report.emails_queued = _in_batches(queue_due_emails, at, batch_size)
    report.alerts_queued = _in_batches(queue_due_alerts, at, batch_size)
    report.digests_expired = expire_stale_digests(at)
    report.digests_queued = queue_due_digests(at)
    report.bodies_purged = purge_expired_bodies(at, firm_policy().retention.days)
    log.info("tick at %s: %s", at.isoformat(), report)
    record_tick(at)
    return report


def _in_batches(step: Callable[[datetime, int], int], at: datetime, size: int) -> int:
    """Repeat a batch step until a batch comes back short; return the total."""
    total = 0
    while (done := step(at, size)) > 0:
        total += done
        if done < size:
            break
    return total


def claim_due_touchpoints(at: datetime, limit: int) -> int:
    """Turn up to `limit` due touchpoints into pending outbox rows, in one transaction.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets several schedulers share the work
    without ever claiming one touchpoint twice.
    """
    due = db.session.execute(
        select(Touchpoint.id, Touchpoint.application_id, Touchpoint.step)
        .where(Touchpoint.status == TouchpointStatus.PLANNED, Touchpoint.due_at <= at)
        .order_by(Touchpoint.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        db.session.rollback()
        return 0
    db.session.execute(
        update(Touchpoint)
        .where(Touchpoint.id.in_([row.id for row in due]))
        .values(status=TouchpointStatus.QUEUED, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        insert(OutboundEmail),
        [
            {
                "touchpoint_id": row.id,
                "application_id": row.application_id,
                "template": row.step,
                "status": EmailStatus.PENDING,
                "next_attempt_at": at,
            }
            for row in due
        ],
    )
    db.session.commit()
    return len(due)


def queue_due_emails(at: datetime, limit: int = BATCH_SIZE) -> int:
    """Queue delivery of pending emails that are due and not queued recently."""
    ids = _mark_enqueued(OutboundEmail, EmailStatus.PENDING, at, limit)
    # Chunks keep the queue cheap while several workers still share the sending.
    size = current_app.config["EMAILS_PER_JOB"]
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    calls = [
        ((chunk, at.isoformat()), f"deliver-emails-{chunk[0]}-{at.timestamp():.0f}")
        for chunk in chunks
    ]
    enqueue_many(MAIL_QUEUE, DELIVER_EMAILS, calls, job_timeout(size))
    return len(ids)


def queue_due_events(at: datetime, limit: int = BATCH_SIZE) -> int:
    """Queue processing of stored deliveries whose job was lost or is due a retry."""
    ids = _mark_enqueued(InboxEvent, InboxStatus.PENDING, at, limit)
    calls = [
        ((event_id, at.isoformat()), f"inbox-event-{event_id}") for event_id in ids
    ]
    enqueue_many(EVENTS_QUEUE, PROCESS_INBOX_EVENT, calls)
    return len(ids)


def queue_due_alerts(at: datetime, limit: int = BATCH_SIZE) -> int:
    """Queue urgent alerts whose job was lost or is due a retry."""
    ids = _mark_enqueued(Alert, AlertStatus.PENDING, at, limit, Alert.urgent.is_(True))
    calls = [
        ((alert_id, at.isoformat()), f"alert-{alert_id}-{at.timestamp():.0f}")
        for alert_id in ids
    ]
    enqueue_many(ALERTS_QUEUE, DELIVER_ALERT, calls, job_timeout(1))
    return len(ids)


def queue_due_digests(at: datetime) -> int:
    """Queue today's digest of every recruiter whose hour has come, or a retry."""
    due = recruiters_due_a_digest(at, REQUEUE_AFTER)
    calls = [
        (
            (recruiter_id, day.isoformat(), at.isoformat()),
            f"digest-{recruiter_id}-{day.isoformat()}",
        )
        for recruiter_id, day in due
    ]
    enqueue_many(MAIL_QUEUE, SEND_DIGEST, calls, job_timeout(1))
    return len(due)


def expire_stale_digests(at: datetime) -> int:
    """Fail pending digests of days already over everywhere: never sent late."""
    expired = rows_changed(
        update(Digest)
        .where(
            Digest.status == DigestStatus.PENDING,
            Digest.local_date < (at - timedelta(days=1)).date(),
        )
        .values(
            status=DigestStatus.FAILED,
            last_error="the day passed before the digest could be sent",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return expired


def _mark_enqueued(
    model: type[OutboundEmail] | type[InboxEvent] | type[Alert] | type[Digest],
    status: str,
    at: datetime,
    limit: int,
    *also: ColumnElement[bool],
) -> list[int]:
    """Ids of due rows not queued lately, marked as queued now (locked, committed)."""
    ids = list(
        db.session.scalars(
            select(model.id)
            .where(
                model.status == status,
                model.next_attempt_at <= at,
                or_(
                    model.enqueued_at.is_(None), model.enqueued_at < at - REQUEUE_AFTER
                ),
                *also,
            )
            .order_by(model.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if ids:
        db.session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(enqueued_at=at)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return ids


def mark_abandoned_sending(at: datetime) -> int:
    """Move "sending" rows past their lease to "unknown": never resent automatically.

    Covers coaching emails, alerts and digests alike; returns how many in all.
    """
    lease = max(SENDING_LEASE, timedelta(seconds=job_timeout(1)))
    marked = 0
    for model in SENT_BY_SMTP:
        values: dict[str, object] = {
            "status": EmailStatus.UNKNOWN,
            "last_error": "no outcome recorded within the sending lease",
        }
        if model is OutboundEmail:
            values["updated_at"] = at
        marked += rows_changed(
            update(model)
            .where(
                model.status == EmailStatus.SENDING,
                model.sending_started_at < at - lease,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return marked
