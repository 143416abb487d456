"""After a delivery attempt: the row, its step and the timeline brought in line.

A job's emails cost one durable commit each, not two. An email's "sent" is written
into the open transaction and rides on the job's next commit: usually the next
email's claim, so one transaction both ends email k and marks email k+1 "sending".
At most one row of a job is "sending" at any moment. What a crash leaves at each
point:

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

from sqlalchemy import Table, Update, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value

from plugin import clock
from plugin.cadence.send import SendDecision
from plugin.extensions import db
from plugin.jobs.sending import (
    SENDING,
    Outcome,
    SendResult,
    mark_sent,
    record_unexpected_failure,
    report_problem,
)
from plugin.models import (
    EmailStatus,
    OutboundEmail,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.planning import add_to_timeline, insert_into_timeline
from plugin.operations.suppressions import suppress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """An email the server took whose "sent" is not committed yet."""

    email_id: int
    at: datetime


def defer(email: OutboundEmail, decision: SendDecision) -> None:
    """Put the email off until the rules allow it (an hour if they name no time)."""
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


def settle(email: OutboundEmail, result: SendResult) -> Sent | None:
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
        return Sent(email_id, email.sent_at)
    finish(email, EmailStatus(status), result.reason)
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


def record_unexpected(email_id: int, exc: Exception) -> None:
    """After a rollback: count the error against the email; end it on its last try."""
    if not record_unexpected_failure(OutboundEmail, email_id, exc):
        return
    email = db.session.get(OutboundEmail, email_id)
    if email is not None:
        # The last attempt: the step ends too, with the same reason.
        finish(email, EmailStatus.FAILED, email.last_error)
        db.session.commit()


def save_sent(sent: Sent) -> None:
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


def commit_last(sent: Sent) -> None:
    """Commit the job's last "sent", which no next claim will carry."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record email %s as sent", sent.email_id)
        save_sent(sent)


# What the timeline calls each final state but "sent" (see `_finish_sent`).
_TIMELINE_KIND = {
    EmailStatus.SKIPPED: TimelineKind.SKIPPED,
    EmailStatus.FAILED: TimelineKind.FAILED,
    EmailStatus.BOUNCED: TimelineKind.BOUNCED,
}


def finish(email: OutboundEmail, status: EmailStatus, reason: str | None) -> None:
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
