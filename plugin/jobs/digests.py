"""The digest job: exactly one digest per recruiter per local day."""

from __future__ import annotations

import logging
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr

from flask import render_template
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from plugin import clock
from plugin.config import firm_policy
from plugin.extensions import db, rows_changed
from plugin.mail.links import external_url
from plugin.mail.messages import send, staff_message
from plugin.mail.transport import DeliveryError, RetryableDeliveryError
from plugin.models import Alert, AlertStatus, Digest, Recruiter
from plugin.operations.digest import DigestContent, build_digest

log = logging.getLogger(__name__)


def send_digest(recruiter_id: int, day: str, queued_at: str | None = None) -> None:
    """Build and send one digest; a second run for the same day does nothing."""
    with clock.as_of(queued_at):
        digest = _claim(recruiter_id, date.fromisoformat(day))
        if digest is None:
            return
        recruiter = db.session.get(Recruiter, recruiter_id)
        assert recruiter is not None
        content = build_digest(recruiter, clock.now())
        if content.total == 0:
            digest.status = "empty"  # nothing to say: no email
            db.session.commit()
            return
        try:
            send(_message(recruiter, content))
        except RetryableDeliveryError as exc:
            digest.status = "failed"  # the next tick tries again today
            db.session.commit()
            log.warning("digest %s not sent (%s)", digest.id, type(exc).__name__)
            return
        except DeliveryError as exc:
            log.warning("digest %s not confirmed (%s)", digest.id, type(exc).__name__)
        digest.status, digest.item_count = "sent", content.total
        if content.news_alert_ids:
            db.session.execute(
                update(Alert)
                .where(Alert.id.in_(content.news_alert_ids))
                .values(status=AlertStatus.SENT, sent_at=clock.now())
            )
        db.session.commit()
        log.info("digest %s sent with %s item(s)", digest.id, content.total)


def _claim(recruiter_id: int, day: date) -> Digest | None:
    """The day's digest row, newly made (or taken back after a failure); else None."""
    digest = Digest(recruiter_id=recruiter_id, local_date=day, status="sending")
    db.session.add(digest)
    try:
        db.session.commit()
        return digest
    except IntegrityError:
        db.session.rollback()  # another tick got there first
    retried = rows_changed(
        update(Digest)
        .where(
            Digest.recruiter_id == recruiter_id,
            Digest.local_date == day,
            Digest.status == "failed",
        )
        .values(status="sending")
    )
    db.session.commit()
    if retried != 1:
        return None
    return (
        db.session.query(Digest)
        .filter_by(recruiter_id=recruiter_id, local_date=day)
        .one()
    )


def _message(recruiter: Recruiter, content: DigestContent) -> EmailMessage:
    context = {
        "content": content,
        "recruiter": recruiter,
        "firm": firm_policy().firm,
        "dashboard_url": external_url("dashboard.applications"),
    }
    items = f"{content.total} item{'s' if content.total != 1 else ''}"
    return staff_message(
        formataddr((recruiter.name or "", recruiter.email)),
        f"Your follow-up digest for {content.local_date:%a %d %b}: {items}",
        render_template("email/recruiter_digest.txt", **context),
        render_template("email/recruiter_digest.html", **context),
        recruiter.id,
    )
