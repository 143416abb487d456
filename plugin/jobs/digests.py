"""The digest job: at most one digest per recruiter per local day (weekly: Mondays).

Once a digest went out, what it told is remembered per application and reason, so
the next one repeats nothing unchanged before the policy's rhythm.

Digests follow the coaching emails' discipline (`jobs/sending.py`): the row is
committed as "sending" right before DATA, a failure before then is retried with
back-off, and silence after DATA leaves it "unknown", never sent twice.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import render_template
from jinja2 import TemplateError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from plugin import clock
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.jobs.sending import (
    Outcome,
    fail,
    record_unexpected_failure,
    report_problem,
    send_row,
)
from plugin.mail.envelope import Envelope
from plugin.mail.links import external_url
from plugin.mail.messages import mailbox, new_message_id, staff_message
from plugin.mail.transport import UnbuildableMessageError
from plugin.models import Alert, AlertStatus, Digest, DigestStatus, Recruiter
from plugin.operations.accounts import is_disabled_recruiter
from plugin.operations.digest import (
    DigestContent,
    build_digest,
    recruiter_zone,
    remember_told,
)

log = logging.getLogger(__name__)


def send_digest(recruiter_id: int, day: str, queued_at: str | None = None) -> None:
    """Build and send one digest; a second run for the same day does nothing."""
    local_date = date.fromisoformat(day)
    with clock.as_of(queued_at):
        try:
            _send(recruiter_id, local_date)
        except Exception as exc:
            db.session.rollback()
            log.exception("digest of recruiter %s failed unexpectedly", recruiter_id)
            digest_id = db.session.scalar(
                select(Digest.id).filter_by(
                    recruiter_id=recruiter_id, local_date=local_date
                )
            )
            if digest_id is not None:
                record_unexpected_failure(Digest, digest_id, exc)


def _send(recruiter_id: int, day: date) -> None:
    digest = _pending_digest(recruiter_id, day)
    if digest is None:
        return
    recruiter = digest.recruiter
    if is_disabled_recruiter(recruiter):
        fail(digest, "the recruiter was disabled before it was sent")
        db.session.commit()
        return
    if clock.now().astimezone(recruiter_zone(recruiter)).date() != day:
        fail(digest, "the day passed before the digest could be sent")
        db.session.commit()
        return
    content = build_digest(recruiter, clock.now())
    if content.total == 0:
        digest.status = DigestStatus.EMPTY  # nothing to say: no email
        db.session.commit()
        return
    try:
        message = _message(recruiter, content, digest)
    except (UnbuildableMessageError, TemplateError) as exc:
        fail(digest, f"the digest cannot be built: {exc or type(exc).__name__}")
        db.session.commit()
        return
    result = send_row(digest, message)
    if result.outcome == Outcome.NOT_CLAIMED:
        return
    if result.outcome == Outcome.SENT:
        digest.item_count = content.total
        _mark_news_told(content)
        remember_told(content)
    db.session.commit()
    log.info("digest %s: %s with %s item(s)", digest.id, digest.status, content.total)
    report_problem(result, "digest", recruiter.email)


def _pending_digest(recruiter_id: int, day: date) -> Digest | None:
    """The day's digest row, locked, if it is pending and due; made on first run."""
    query = (
        select(Digest)
        .filter_by(recruiter_id=recruiter_id, local_date=day)
        .with_for_update()
    )
    digest = db.session.scalars(query).one_or_none()
    if digest is None:
        # The row says a job is at work on it, so the tick does not queue another.
        db.session.add(
            Digest(recruiter_id=recruiter_id, local_date=day, enqueued_at=clock.now())
        )
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another job made it first and is at work on it
            return None
        digest = db.session.scalars(query).one()
    if digest.status != DigestStatus.PENDING or digest.next_attempt_at > clock.now():
        db.session.rollback()
        return None
    return digest


def _mark_news_told(content: DigestContent) -> None:
    if content.news_alert_ids:
        db.session.execute(
            update(Alert)
            .where(Alert.id.in_(content.news_alert_ids))
            .values(status=AlertStatus.SENT, sent_at=clock.now())
        )


def _message(recruiter: Recruiter, content: DigestContent, digest: Digest) -> Envelope:
    context = {
        "content": content,
        "recruiter": recruiter,
        "firm": firm_policy().firm,
        "dashboard_url": external_url("dashboard.applications"),
        "settings_url": external_url("dashboard.settings"),
        "repeat_days": firm_policy().digest.repeat_unchanged_after_days,
    }
    return staff_message(
        mailbox(recruiter.name, recruiter.email),
        _subject(content),
        render_template("email/recruiter_digest.txt", **context),
        render_template("email/recruiter_digest.html", **context),
        digest.message_id or new_message_id(digest.id),
    )


def _subject(content: DigestContent) -> str:
    items = f"{content.total} item{'s' if content.total != 1 else ''}"
    if content.weekly:
        return f"Your weekly follow-up digest, {content.local_date:%a %d %b}: {items}"
    return f"Your follow-up digest for {content.local_date:%a %d %b}: {items}"
