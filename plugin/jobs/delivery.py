"""The delivery job: re-check the rules, render, then one SMTP try.

The row is committed as "sending" only after RCPT TO, right before DATA (see
`jobs/sending.py`). Every failure is recorded on the row: nothing stays pending
without a reason, and nothing retries forever.

A job's emails cost one durable commit each, not two. An email's "sent" is written
into the session and rides on the job's next commit: usually the next email's claim,
so one transaction both ends email k and marks email k+1 "sending". At most one row
of a job is "sending" at any moment, as before. What a crash leaves at each point:

- after k's claim, before the server's final reply: k is "sending", and the tick
  makes it "unknown" after the lease; it is never resent. The rest stay pending.
- after the server took k, before the next commit: k is still "sending" in the
  database, so it too ends "unknown" (it did go out; an operator confirms it),
  never resent; k+1 was not claimed and stays pending, retryable.
- after the combined commit (k sent, k+1 sending): as the first point, for k+1.
- k+1 skipped, deferred, refused before DATA, bounced or failed: the commit that
  records k+1's outcome records k's "sent" as well.
- an unexpected error (a bug, a lost database) while working on k+1: the
  transaction is rolled back, k's "sent" is written again on its own, then k+1's
  failure is counted. If that write fails too, k ends "unknown" as above.
- the job's last "sent" gets a commit of its own when the job ends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import cast

from jinja2 import TemplateError
from sqlalchemy import (
    BindParameter,
    Select,
    Table,
    Update,
    bindparam,
    exists,
    select,
    update,
)
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from plugin import clock
from plugin.cadence.send import Action, SendDecision, decide_send
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.jobs.sending import (
    SENDING,
    Outcome,
    SendResult,
    fail,
    mark_sent,
    record_unexpected_failure,
    report_problem,
    send_row,
)
from plugin.mail.drafts import notes_read_once
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
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.planning import (
    add_to_timeline,
    facts_for,
    insert_into_timeline,
    last_coaching_at,
)
from plugin.operations.suppressions import address_hashes, listed, suppress

log = logging.getLogger(__name__)

MAX_ATTEMPTS = OutboundEmail.retry_policy.max_attempts
# Loaded with the email in its one locked query: its step, application, candidate,
# recruiter, panels, and the application's other steps.
_APPLICATION = contains_eager(OutboundEmail.application)
EVERYTHING_AN_EMAIL_READS = (
    joinedload(OutboundEmail.touchpoint),
    _APPLICATION.contains_eager(Application.candidate),
    _APPLICATION.joinedload(Application.recruiter),
    _APPLICATION.joinedload(Application.interviews).joinedload(Interview.interviewers),
    _APPLICATION.joinedload(Application.touchpoints),
)


@dataclass(frozen=True)
class _Sent:
    """An email the server took whose "sent" is not committed yet."""

    email_id: int
    at: datetime


def deliver_emails(email_ids: list[int], queued_at: str | None = None) -> None:
    """Deliver a chunk of outbox rows, each on its own; one failing stops no other.

    They share one SMTP connection; each still gets its own claim before DATA, and
    each "sent" is committed with the next email's claim (see the module's notes).
    """
    unsaved: _Sent | None = None
    with one_connection(), notes_read_once(email_ids):
        for email_id in email_ids:
            try:
                with clock.as_of(queued_at):
                    sent = _deliver(email_id)
            except Exception as exc:
                # Unexpected (a database outage, a bug): recorded on the row, retried
                # with back-off, failed after the last attempt. Never silent.
                db.session.rollback()
                log.exception("delivery of email %s failed", email_id)
                if unsaved is not None:
                    _save_sent(unsaved)
                _record_unexpected(email_id, exc)
                sent = None
            # Whatever `_deliver` did, it committed, and with it any earlier "sent".
            unsaved = sent
        if unsaved is not None:
            _commit_last(unsaved)


def deliver_email(email_id: int, queued_at: str | None = None) -> None:
    """Send one outbox row, at most once, whatever re-runs or races happen."""
    with clock.as_of(queued_at):
        _deliver(email_id)
    db.session.commit()


def _deliver(email_id: int) -> _Sent | None:
    """Decide, build and send one email; commit every outcome but "sent".

    Returns the "sent" left for the caller's next commit, if the email went out.
    """
    locked = _lock_for_candidate(email_id)
    if locked is None:
        db.session.commit()  # a re-run, or an operator's decision: nothing to do
        return None
    email, read = locked
    decision = check_rules(email, read)
    if decision.action == Action.SKIP:
        _finish(email, EmailStatus.SKIPPED, decision.reason)
        db.session.commit()
        log.info("email %s skipped: %s", email_id, decision.reason)
        return None
    if decision.action == Action.DEFER:
        _defer(email, decision)
        return None
    return _build_and_send(email)


def _build_and_send(email: OutboundEmail) -> _Sent | None:
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
        return _settle(email, fail(email, reason))
    result = send_row(
        email,
        message,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
    )
    return _settle(email, result)


@dataclass(frozen=True)
class ReadAfterLock:
    """What is read once the candidate's lock is ours, in one statement."""

    on_the_list: bool  # the address is on the suppression list
    last_coaching: datetime | None  # the candidate's latest coaching email


def _lock_for_candidate(email_id: int) -> tuple[OutboundEmail, ReadAfterLock] | None:
    """Load a pending email with all the rules and templates read; lock its candidate.

    One candidate's emails are checked one at a time, up to the claim, so two
    workers can never both see "nothing sent lately" and break the spacing. The
    lock and the load are one statement, but on PostgreSQL its rows other than the
    candidate's are read as they were when it began, before any wait for the lock.
    So what another worker may have committed while we waited (a claim of this
    very email, on a re-run; a claim of another email to this candidate) is read
    in the next statement: whether the email is still pending, the spacing, and
    the suppression list.
    """
    email = (
        db.session.scalars(_lock_and_load(), {"email_id": email_id})
        .unique()
        .one_or_none()
    )
    if email is None or email.status != EmailStatus.PENDING:
        return None
    candidate = email.application.candidate
    still_pending, on_the_list, last_coaching = db.session.execute(
        _read_after_lock(),
        {
            "email_id": email_id,
            "candidate_id": candidate.id,
            "hashes": address_hashes(candidate.email or ""),
        },
    ).one()
    if not still_pending:
        return None
    return email, ReadAfterLock(bool(on_the_list), last_coaching)


@cache
def _lock_and_load() -> Select[tuple[OutboundEmail]]:
    """The statement of `_lock_for_candidate`, built once.

    SQLAlchemy computes a statement's cache key on each run unless the statement
    object is the same; building it and its key took a fifth of the lock's CPU.
    """
    return (
        select(OutboundEmail)
        .join(OutboundEmail.application)
        .join(Application.candidate)
        .where(OutboundEmail.id == bindparam("email_id"))
        .options(*EVERYTHING_AN_EMAIL_READS)
        .with_for_update(of=Candidate)
        .execution_options(populate_existing=True)
    )


@cache
def _read_after_lock() -> Select[tuple[bool, bool, datetime | None]]:
    """The statement of `ReadAfterLock`, built once (see `_lock_and_load`)."""
    email_id: BindParameter[int] = bindparam("email_id")
    return select(
        exists().where(
            OutboundEmail.id == email_id,
            OutboundEmail.status == EmailStatus.PENDING,
        ),
        # No hashes (an address we cannot read) is an empty IN: never listed.
        listed(bindparam("hashes", expanding=True)),
        last_coaching_at(bindparam("candidate_id"), excluding_email_id=email_id),
    )


def check_rules(email: OutboundEmail, read: ReadAfterLock) -> SendDecision:
    """Every rule, re-checked now: the step's reason to exist, staleness, politeness."""
    application = email.application
    candidate = application.candidate
    if not candidate.email:
        return SendDecision(Action.SKIP, "the candidate has no email address on file")
    if candidate.opted_out_at is not None:
        return SendDecision(Action.SKIP, "the candidate opted out of all emails")
    if read.on_the_list:
        return SendDecision(Action.SKIP, "the address is on the suppression list")
    touchpoint = email.touchpoint
    if touchpoint is None:
        return SendDecision(Action.SEND)  # an answer to the candidate: it goes at once
    if touchpoint.status != TouchpointStatus.QUEUED:
        return SendDecision(Action.SKIP, f"the step is {touchpoint.status}")
    policy = firm_policy()
    others = [tp for tp in application.touchpoints if tp.id != touchpoint.id]
    return decide_send(
        Step(touchpoint.step),
        touchpoint.slot,
        facts_for(application, others, policy),
        policy,
        clock.now(),
        read.last_coaching,
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


def _settle(email: OutboundEmail, result: SendResult) -> _Sent | None:
    """Bring the step and the timeline in line with the row, and report.

    Every outcome is committed here but "sent", which is returned instead: the
    job's next commit carries it (see the module's notes on crashes).
    """
    if result.outcome == Outcome.NOT_CLAIMED:
        return None
    # Read before committing: the commit expires the row, and a log line is not
    # worth reloading it for.
    email_id, attempts, status = email.id, email.attempts, email.status
    if result.outcome == Outcome.RETRY:
        db.session.commit()
        log.warning("email %s not sent (attempt %s); will retry", email_id, attempts)
        return None
    if result.outcome == Outcome.UNKNOWN:
        add_to_timeline(
            email.application_id,
            TimelineKind.UNKNOWN,
            email.touchpoint,
            "the mail server gave no answer; an operator should check",
        )
        db.session.commit()
        log.warning("email %s outcome unknown; left for an operator", email_id)
        return None
    if result.outcome == Outcome.SENT:
        _finish_sent(email)
        log.info("email %s sent", email_id)
        assert email.sent_at is not None  # set by send_row with the outcome
        return _Sent(email_id, email.sent_at)
    _finish(email, EmailStatus(status), result.reason)
    db.session.commit()
    log.warning("email %s ended %s", email_id, status)
    report_problem(result, "candidate email", None)
    if result.outcome == Outcome.BOUNCED:
        _suppress_bounced(email)
    return None


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
        db.session.commit()


def _save_sent(sent: _Sent) -> None:
    """After a rollback took it from the session: write one email's "sent" alone.

    Only a row still "sending" is ours to finish; one already committed is left.
    """
    try:
        email = db.session.get(OutboundEmail, sent.email_id)
        if email is None or email.status != SENDING:
            return
        mark_sent(email, sent.at)
        _finish_sent(email)
        db.session.commit()
    except Exception:
        db.session.rollback()  # left "sending": the tick makes it "unknown", unsent
        log.exception("could not record email %s as sent", sent.email_id)


def _commit_last(sent: _Sent) -> None:
    """Commit the job's last "sent", which no next claim will carry."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record email %s as sent", sent.email_id)
        _save_sent(sent)


# What the timeline calls each final state but "sent" (see `_finish_sent`).
_TIMELINE_KIND = {
    EmailStatus.SKIPPED: TimelineKind.SKIPPED,
    EmailStatus.FAILED: TimelineKind.FAILED,
    EmailStatus.BOUNCED: TimelineKind.BOUNCED,
}


def _finish(email: OutboundEmail, status: EmailStatus, reason: str | None) -> None:
    """Put the row, its step and the timeline in their final state; caller commits.

    For any state but "sent": the email did not go, so its step is skipped.
    """
    email.status = status
    if reason:
        email.last_error = reason[:500]
    if email.touchpoint is not None:
        email.touchpoint.status = TouchpointStatus.SKIPPED
        email.touchpoint.reason = reason or email.touchpoint.reason
    add_to_timeline(
        email.application_id,
        _TIMELINE_KIND[status],
        email.touchpoint,
        reason or f"{status} ({email.template.replace('_', ' ')})",
    )


def _finish_sent(email: OutboundEmail) -> None:
    """Mark the step of a sent email sent, and say so in the timeline; caller commits.

    The row itself is marked by `mark_sent`. Both statements run now, not at the
    session's flush: the flush's bookkeeping cost more CPU than the statements.
    """
    touchpoint = email.touchpoint
    if touchpoint is not None:
        db.session.execute(_step_sent(), {"touchpoint_id": touchpoint.id})
        set_committed_value(touchpoint, "status", TouchpointStatus.SENT)
    detail = f"emailed to the candidate ({email.template.replace('_', ' ')})"
    insert_into_timeline(email.application_id, TimelineKind.SENT, touchpoint, detail)


@cache
def _step_sent() -> Update:
    """The UPDATE of `_finish_sent` for the step, built once."""
    table = cast(Table, Touchpoint.__table__)
    return (
        update(table)
        .where(table.c.id == bindparam("touchpoint_id"))
        .values(status=TouchpointStatus.SENT)
    )
