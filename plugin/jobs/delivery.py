"""The delivery job: re-check the rules, render, commit "sending", then one SMTP try."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update

from plugin import clock
from plugin.cadence.send import Action, SendDecision, decide_send
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db, rows_changed
from plugin.extensions.queues import next_try
from plugin.mail.messages import (
    RenderedEmail,
    build_message,
    new_message_id,
    render_email,
    send,
)
from plugin.mail.transport import (
    RejectedDeliveryError,
    RetryableDeliveryError,
    UnknownOutcomeError,
)
from plugin.models import (
    Candidate,
    EmailStatus,
    OutboundEmail,
    TimelineKind,
    TouchpointStatus,
)
from plugin.operations.planning import (
    add_to_timeline,
    facts_for,
    last_coaching_at,
    touchpoints_of,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def deliver_emails(email_ids: list[int], queued_at: str | None = None) -> None:
    """Deliver a chunk of outbox rows, each on its own; one failing stops no other."""
    for email_id in email_ids:
        try:
            deliver_email(email_id, queued_at)
        except Exception:
            db.session.rollback()
            # The row stays pending or sending: the tick retries or leases it out.
            log.exception("delivery of email %s failed", email_id)


def deliver_email(email_id: int, queued_at: str | None = None) -> None:
    """Send one outbox row, at most once, whatever re-runs or races happen."""
    with clock.as_of(queued_at):
        _deliver(email_id)


def _deliver(email_id: int) -> None:
    email = _lock_for_candidate(email_id)
    if email is None:
        db.session.rollback()
        return  # a re-run, or an operator's decision: nothing to do
    decision = check_rules(email)
    if decision.action == Action.SKIP:
        _finish(email, EmailStatus.SKIPPED, TouchpointStatus.SKIPPED, decision.reason)
        log.info("email %s skipped: %s", email_id, decision.reason)
        return
    if decision.action == Action.DEFER:
        _defer(email, decision)
        return
    rendered = render_email(email)
    message_id = email.message_id or new_message_id(email.id)
    message = build_message(email, rendered, message_id)
    if not _claim_for_sending(email, message_id, rendered):
        return
    _send(email, message)


def _lock_for_candidate(email_id: int) -> OutboundEmail | None:
    """Load a pending email with its candidate's row locked.

    One candidate's emails are checked one at a time, so two workers can never both
    see "nothing sent lately" and break the spacing between coaching emails.
    """
    email = db.session.get(OutboundEmail, email_id)
    if email is None or email.status != EmailStatus.PENDING:
        return None
    db.session.execute(
        select(Candidate.id)
        .where(Candidate.id == email.application.candidate_id)
        .with_for_update()
    )
    db.session.refresh(email)
    return email if email.status == EmailStatus.PENDING else None


def check_rules(email: OutboundEmail) -> SendDecision:
    """Every rule, re-checked now: the step's reason to exist, staleness, politeness."""
    application = email.application
    candidate = application.candidate
    if not candidate.email:
        return SendDecision(Action.SKIP, "the candidate has no email address on file")
    if candidate.opted_out_at is not None:
        return SendDecision(Action.SKIP, "the candidate opted out of all emails")
    touchpoint = email.touchpoint
    if touchpoint is None:
        return SendDecision(Action.SEND)  # an answer to the candidate: it goes at once
    if touchpoint.status != TouchpointStatus.QUEUED:
        return SendDecision(Action.SKIP, f"the step is {touchpoint.status}")
    policy = firm_policy()
    others = [tp for tp in touchpoints_of(application.id) if tp.id != touchpoint.id]
    return decide_send(
        Step(touchpoint.step),
        touchpoint.slot,
        facts_for(application, others, policy),
        policy,
        clock.now(),
        last_coaching_at(application.candidate_id, excluding_email_id=email.id),
    )


def _defer(email: OutboundEmail, decision: SendDecision) -> None:
    until: datetime = decision.until or clock.now() + timedelta(hours=1)
    email.next_attempt_at, email.enqueued_at = until, None
    add_to_timeline(
        email.application_id,
        TimelineKind.DEFERRED,
        email.touchpoint,
        f"{decision.reason}; next try {until.isoformat()}",
    )
    db.session.commit()
    log.info("email %s deferred until %s", email.id, until.isoformat())


def _claim_for_sending(
    email: OutboundEmail, message_id: str, rendered: RenderedEmail
) -> bool:
    """Move pending -> sending in one conditional UPDATE, then commit before SMTP."""
    now = clock.now()
    claimed = rows_changed(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == email.id, OutboundEmail.status == EmailStatus.PENDING
        )
        .values(
            status=EmailStatus.SENDING,
            message_id=message_id,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            attempts=OutboundEmail.attempts + 1,
            sending_started_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed == 1:
        db.session.refresh(email)
    return claimed == 1


def _send(email: OutboundEmail, message: EmailMessage) -> None:
    try:
        send(message)
    except RetryableDeliveryError as exc:
        _retry_later(email, str(exc))
    except RejectedDeliveryError as exc:
        _finish(email, EmailStatus.FAILED, TouchpointStatus.SKIPPED, str(exc))
    except UnknownOutcomeError as exc:
        email.status, email.last_error = EmailStatus.UNKNOWN, str(exc)
        add_to_timeline(
            email.application_id,
            TimelineKind.UNKNOWN,
            email.touchpoint,
            "the mail server gave no answer; an operator should check",
        )
        db.session.commit()
        log.warning("email %s outcome unknown; left for an operator", email.id)
    else:
        email.sent_at = clock.now()
        _finish(email, EmailStatus.SENT, TouchpointStatus.SENT, None)
        log.info("email %s sent", email.id)


def _retry_later(email: OutboundEmail, error: str) -> None:
    email.last_error = error
    if email.attempts >= MAX_ATTEMPTS:
        reason = f"gave up after {email.attempts} attempts: {error}"
        _finish(email, EmailStatus.FAILED, TouchpointStatus.SKIPPED, reason)
        return
    email.status = EmailStatus.PENDING
    email.next_attempt_at = next_try(email.attempts)  # the tick queues it again
    email.enqueued_at = None
    db.session.commit()
    log.warning("email %s not sent (attempt %s); will retry", email.id, email.attempts)


# What the timeline calls each final state.
_TIMELINE_KIND = {
    EmailStatus.SENT: TimelineKind.SENT,
    EmailStatus.SKIPPED: TimelineKind.SKIPPED,
    EmailStatus.FAILED: TimelineKind.FAILED,
}


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
        email.touchpoint.reason = reason or email.touchpoint.reason
    add_to_timeline(
        email.application_id,
        _TIMELINE_KIND[status],
        email.touchpoint,
        reason or f"emailed to the candidate ({email.template.replace('_', ' ')})",
    )
    db.session.commit()
