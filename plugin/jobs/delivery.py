"""The delivery job: re-check the rules, render, then one SMTP try.

The row is committed as "sending" only after RCPT TO, right before DATA (see
`jobs/sending.py`). Every failure is recorded on the row: nothing stays pending
without a reason, and nothing retries forever.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from plugin import clock
from plugin.cadence.send import Action, SendDecision, decide_send
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.jobs.sending import (
    Outcome,
    SendResult,
    fail,
    record_unexpected_failure,
    report_problem,
    send_row,
)
from plugin.mail.messages import (
    build_message,
    new_message_id,
    one_connection,
    render_email,
)
from plugin.mail.transport import UnbuildableMessageError
from plugin.models import (
    Application,
    Candidate,
    EmailStatus,
    Interview,
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
from plugin.operations.suppressions import is_suppressed, suppress

log = logging.getLogger(__name__)

MAX_ATTEMPTS = OutboundEmail.retry_policy.max_attempts
# Loaded with the email: its step, application, candidate, recruiter and panels.
EVERYTHING_AN_EMAIL_READS = (
    joinedload(OutboundEmail.touchpoint),
    joinedload(OutboundEmail.application).joinedload(Application.candidate),
    joinedload(OutboundEmail.application).joinedload(Application.recruiter),
    joinedload(OutboundEmail.application)
    .joinedload(Application.interviews)
    .joinedload(Interview.interviewers),
)


def deliver_emails(email_ids: list[int], queued_at: str | None = None) -> None:
    """Deliver a chunk of outbox rows, each on its own; one failing stops no other.

    They share one SMTP connection; each still gets its own claim before DATA.
    """
    with one_connection():
        for email_id in email_ids:
            try:
                deliver_email(email_id, queued_at)
            except Exception as exc:
                # Unexpected (a database outage, a bug): recorded on the row, retried
                # with back-off, failed after the last attempt. Never silent.
                db.session.rollback()
                log.exception("delivery of email %s failed", email_id)
                _record_unexpected(email_id, exc)


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
        _finish(email, EmailStatus.SKIPPED, decision.reason)
        log.info("email %s skipped: %s", email_id, decision.reason)
        return
    if decision.action == Action.DEFER:
        _defer(email, decision)
        return
    _build_and_send(email)


def _build_and_send(email: OutboundEmail) -> None:
    message_id = email.message_id or new_message_id(email.id)
    try:
        rendered = render_email(email)
        message = build_message(email, rendered, message_id)
    except (UnbuildableMessageError, TemplateError) as exc:
        reason = (
            str(exc)
            if isinstance(exc, UnbuildableMessageError)
            else (f"the template cannot be rendered: {type(exc).__name__}")
        )
        _settle(email, fail(email, reason))
        return
    result = send_row(
        email,
        message,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
    )
    _settle(email, result)


def _lock_for_candidate(email_id: int) -> OutboundEmail | None:
    """Load a pending email with its candidate's row locked.

    One candidate's emails are checked one at a time, up to the claim, so two
    workers can never both see "nothing sent lately" and break the spacing.
    """
    candidate_of_email = (
        select(Application.candidate_id)
        .join(OutboundEmail, OutboundEmail.application_id == Application.id)
        .where(OutboundEmail.id == email_id)
        .scalar_subquery()
    )
    db.session.execute(
        select(Candidate.id).where(Candidate.id == candidate_of_email).with_for_update()
    )
    # Read after the lock, so a claim made meanwhile by another worker is seen;
    # with everything the rules and the templates read, in one query.
    email = (
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.id == email_id)
            .options(*EVERYTHING_AN_EMAIL_READS)
            .execution_options(populate_existing=True)
        )
        .unique()
        .one_or_none()
    )
    return email if email is not None and email.status == EmailStatus.PENDING else None


def check_rules(email: OutboundEmail) -> SendDecision:
    """Every rule, re-checked now: the step's reason to exist, staleness, politeness."""
    application = email.application
    candidate = application.candidate
    if not candidate.email:
        return SendDecision(Action.SKIP, "the candidate has no email address on file")
    if candidate.opted_out_at is not None:
        return SendDecision(Action.SKIP, "the candidate opted out of all emails")
    if is_suppressed(candidate.email):
        return SendDecision(Action.SKIP, "the address is on the suppression list")
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


def _settle(email: OutboundEmail, result: SendResult) -> None:
    """Bring the step and the timeline in line with the row, commit, and report."""
    if result.outcome == Outcome.NOT_CLAIMED:
        return
    # Read before committing: the commit expires the row, and a log line is not
    # worth reloading it for.
    email_id, attempts, status = email.id, email.attempts, email.status
    if result.outcome == Outcome.RETRY:
        db.session.commit()
        log.warning("email %s not sent (attempt %s); will retry", email_id, attempts)
        return
    if result.outcome == Outcome.UNKNOWN:
        add_to_timeline(
            email.application_id,
            TimelineKind.UNKNOWN,
            email.touchpoint,
            "the mail server gave no answer; an operator should check",
        )
        db.session.commit()
        log.warning("email %s outcome unknown; left for an operator", email_id)
        return
    if result.outcome == Outcome.SENT:
        _finish(email, EmailStatus.SENT, None)
        log.info("email %s sent", email_id)
        return
    _finish(email, EmailStatus(status), result.reason)
    log.warning("email %s ended %s", email_id, status)
    report_problem(result, "candidate email", None)
    if result.outcome == Outcome.BOUNCED:
        _suppress_bounced(email)


def _suppress_bounced(email: OutboundEmail) -> None:
    address = email.application.candidate.email
    if address and suppress(address, "bounce"):
        log.info("the address of email %s is now suppressed", email.id)


def _record_unexpected(email_id: int, exc: Exception) -> None:
    if not record_unexpected_failure(OutboundEmail, email_id, exc):
        return
    email = db.session.get(OutboundEmail, email_id)
    if email is not None:
        # The last attempt: the step ends too, with the same reason.
        _finish(email, EmailStatus.FAILED, email.last_error)


# What the timeline calls each final state.
_TIMELINE_KIND = {
    EmailStatus.SENT: TimelineKind.SENT,
    EmailStatus.SKIPPED: TimelineKind.SKIPPED,
    EmailStatus.FAILED: TimelineKind.FAILED,
    EmailStatus.BOUNCED: TimelineKind.BOUNCED,
}


def _finish(email: OutboundEmail, status: EmailStatus, reason: str | None) -> None:
    email.status = status
    if reason:
        email.last_error = reason[:500]
    if email.touchpoint is not None:
        step_status = (
            TouchpointStatus.SENT
            if status == EmailStatus.SENT
            else TouchpointStatus.SKIPPED
        )
        email.touchpoint.status = step_status
        email.touchpoint.reason = reason or email.touchpoint.reason
    add_to_timeline(
        email.application_id,
        _TIMELINE_KIND[status],
        email.touchpoint,
        reason or f"emailed to the candidate ({email.template.replace('_', ' ')})",
    )
    db.session.commit()
