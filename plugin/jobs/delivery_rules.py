"""Before an email goes: lock its candidate, load what it reads, check every rule.

One candidate's emails are checked one at a time, up to the claim, so two workers
can never both see "nothing sent lately" and break the spacing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import BindParameter, Select, bindparam, exists, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from plugin import clock
from plugin.cadence.send import Action, SendDecision, decide_send
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.models import (
    Application,
    Candidate,
    EmailStatus,
    Interview,
    OutboundEmail,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.planning import facts_for, last_coaching_at
from plugin.operations.suppressions import address_hashes, listed

# Loaded with the email in its one locked query: its application, candidate,
# recruiter and panels. The application's steps come in a statement of their own
# (`_steps_of`), the email's own step among them: joined here too, every step would
# come once per interviewer of every round, 90 rows for three rounds of three, and
# the ORM reads each row.
_APPLICATION = contains_eager(OutboundEmail.application)
EVERYTHING_AN_EMAIL_READS = (
    _APPLICATION.contains_eager(Application.candidate),
    _APPLICATION.joinedload(Application.recruiter),
    _APPLICATION.joinedload(Application.interviews).joinedload(Interview.interviewers),
)


@dataclass(frozen=True)
class ReadAfterLock:
    """What is read once the candidate's lock is ours, in one statement."""

    on_the_list: bool  # the address is on the suppression list
    last_coaching: datetime | None  # the candidate's latest coaching email


def lock_for_candidate(email_id: int) -> tuple[OutboundEmail, ReadAfterLock] | None:
    """Load a pending email with all the rules and templates read; lock its candidate.

    One candidate's emails are checked one at a time, up to the claim, so two
    workers can never both see "nothing sent lately" and break the spacing. The
    lock and the load are one statement, but on PostgreSQL its rows other than the
    candidate's are read as they were when it began, before any wait for the lock.
    So what another worker may have committed while we waited (a claim of this
    very email, on a re-run; a claim of another email to this candidate) is read
    in the next statement: whether the email is still pending, the spacing, and
    the suppression list. The application's steps are read last.
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
    application = email.application
    steps = db.session.scalars(_steps_of(), {"application_id": application.id})
    set_committed_value(application, "touchpoints", list(steps))
    return email, ReadAfterLock(bool(on_the_list), last_coaching)


@cache
def _lock_and_load() -> Select[tuple[OutboundEmail]]:
    """The statement of `lock_for_candidate`, built once.

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
def _steps_of() -> Select[tuple[Touchpoint]]:
    """An application's steps, in the order of `Application.touchpoints`."""
    return (
        select(Touchpoint)
        .where(Touchpoint.application_id == bindparam("application_id"))
        .order_by(Touchpoint.id)
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
