"""The delivery job: re-check, render, commit "sending", then one SMTP attempt."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from .. import clock
from ..emails import build_message, new_message_id, render_email
from ..extensions import db, rows_changed
from ..mail import (
    RejectedDeliveryError,
    RetryableDeliveryError,
    UnknownOutcomeError,
    send_message,
)
from ..models import EmailStatus, OutboundEmail, TouchpointStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def deliver_email(email_id: int) -> None:
    """Send one outbox row, at most once, whatever re-runs or races happen."""
    email = db.session.get(OutboundEmail, email_id)
    if email is None or email.status != EmailStatus.PENDING:
        return  # a re-run, or an operator's decision: nothing to do
    reason = reason_not_to_send(email)
    if reason:
        _finish(email, EmailStatus.SKIPPED, TouchpointStatus.SKIPPED, reason)
        log.info("email %s skipped: %s", email_id, reason)
        return
    rendered = render_email(email)
    message_id = email.message_id or new_message_id(email.id)
    message = build_message(email, rendered, message_id)
    if not _claim_for_sending(
        email, message_id, rendered.subject, rendered.text, rendered.html
    ):
        return
    try:
        send_message(
            message, current_app.config["SMTP_URL"], current_app.config["MAIL_DIR"]
        )
    except RetryableDeliveryError as exc:
        _retry_later(email, str(exc))
    except RejectedDeliveryError as exc:
        _finish(email, EmailStatus.FAILED, TouchpointStatus.SKIPPED, str(exc))
    except UnknownOutcomeError as exc:
        email.status, email.last_error = EmailStatus.UNKNOWN, str(exc)
        db.session.commit()
        log.warning("email %s outcome unknown; left for an operator", email_id)
    else:
        email.sent_at = clock.now()
        _finish(email, EmailStatus.SENT, TouchpointStatus.SENT, None)
        log.info("email %s sent", email_id)


def reason_not_to_send(email: OutboundEmail) -> str | None:
    """Why this email must not go out now, or None. Checked at send time."""
    application = email.application
    if not application.is_active:
        return f"the application is {application.status}"
    if not application.candidate.email:
        return "the candidate has no email address on file"
    touchpoint = email.touchpoint
    if touchpoint is not None and touchpoint.status != TouchpointStatus.QUEUED:
        return f"the step is {touchpoint.status}"
    return None


def _claim_for_sending(
    email: OutboundEmail, message_id: str, subject: str, text: str, html: str
) -> bool:
    """Move pending -> sending in one conditional UPDATE, then commit before SMTP."""
    claimed = rows_changed(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == email.id, OutboundEmail.status == EmailStatus.PENDING
        )
        .values(
            status=EmailStatus.SENDING,
            message_id=message_id,
            subject=subject,
            body_text=text,
            body_html=html,
            attempts=OutboundEmail.attempts + 1,
            sending_started_at=clock.now(),
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed == 1:
        db.session.refresh(email)
    return claimed == 1


def _retry_later(email: OutboundEmail, error: str) -> None:
    email.last_error = error
    if email.attempts >= MAX_ATTEMPTS:
        _finish(
            email,
            EmailStatus.FAILED,
            TouchpointStatus.SKIPPED,
            f"gave up after {email.attempts} attempts: {error}",
        )
        return
    email.status = EmailStatus.PENDING
    # Back off 2, 4, 8, 16 minutes; the tick queues it again when due.
    email.next_attempt_at = clock.now() + timedelta(minutes=2**email.attempts)
    email.enqueued_at = None
    db.session.commit()
    log.warning("email %s not sent (attempt %s); will retry", email.id, email.attempts)


def _finish(
    email: OutboundEmail,
    status: EmailStatus,
    step_status: TouchpointStatus,
    reason: str | None,
) -> None:
    email.status = status
    if reason:
        email.last_error = reason
    if email.touchpoint is not None:
        email.touchpoint.status = step_status
        if reason:
            email.touchpoint.reason = reason
    db.session.commit()
