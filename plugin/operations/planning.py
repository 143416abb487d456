"""Apply the cadence core's decisions to an application's touchpoints.

The core decides from facts; this module gathers the facts from the database and
writes the plan back, recording every change on the application's timeline.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import cache
from typing import cast

from sqlalchemy import BindParameter, Insert, ScalarSelect, Table, func, insert, select

from plugin import clock
from plugin.cadence.plan import plan_cadence
from plugin.cadence.steps import ApplicationFacts, DoneStep, InterviewFacts, Plan, Step
from plugin.config.policy import Policy
from plugin.extensions import db
from plugin.models import (
    Actor,
    Application,
    EmailStatus,
    OutboundEmail,
    TimelineEntry,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)
from plugin.models.types import UTCDateTime
from plugin.models.zones import employer_zone_of, zone_of
from webhooks.fields import year_problem

# Touchpoints in these states are settled: the planner never changes them.
SETTLED = (
    TouchpointStatus.QUEUED,
    TouchpointStatus.SENT,
    TouchpointStatus.SKIPPED,
    TouchpointStatus.DONE,
)
COACHING_TEMPLATES = tuple(step.value for step in Step)


def facts_for(
    application: Application, touchpoints: list[Touchpoint], policy: Policy
) -> ApplicationFacts:
    """Everything the core needs about `application`, as of `clock.now()`."""
    now = clock.now()
    paused = application.is_paused(now)
    return ApplicationFacts(
        status=application.status,
        candidate_zone=zone_of(application, policy),
        employer_zone=employer_zone_of(application, policy),
        interviews=tuple(
            InterviewFacts(i.id, i.ends_at, i.is_remote)
            for i in application.interviews
            if i.is_held and i.ends_at is not None
        ),
        decision_deadline=application.decision_deadline,
        has_mailing_address=bool(application.employer_mailing_address),
        paused=paused,
        paused_until=application.paused_until if paused else None,
        heard_back=application.heard_back_at is not None,
        emails_stopped=application.emails_stopped_at is not None,
        candidate_opted_out=application.candidate.opted_out_at is not None,
        history=tuple(
            DoneStep(
                Step(tp.step),
                tp.slot,
                tp.updated_at
                if tp.status in (TouchpointStatus.SENT, TouchpointStatus.DONE)
                else tp.due_at,
                sent=tp.status != TouchpointStatus.SKIPPED,
            )
            for tp in touchpoints
            if tp.status in SETTLED
        ),
    )


def touchpoints_of(application_id: int | None) -> list[Touchpoint]:
    """All touchpoints of one application, oldest first, in one query.

    An application not yet flushed (no id) has none, and costs no query.
    """
    if application_id is None:
        return []
    # A stable order: PostgreSQL returns rows in no order unless asked.
    query = select(Touchpoint).filter_by(application_id=application_id)
    return list(db.session.scalars(query.order_by(Touchpoint.id)))


def replan(application: Application, policy: Policy) -> Plan:
    """Make the application's touchpoints match the core's plan as of now."""
    touchpoints = touchpoints_of(application.id)
    facts = facts_for(application, touchpoints, policy)
    plan = plan_cadence(facts, policy)
    existing = {(tp.step, tp.slot): tp for tp in touchpoints}
    for step in plan.steps:
        touchpoint = existing.pop((step.step, step.slot), None)
        if touchpoint is None:
            # No flush here: the timeline entry points at the new row, and the
            # caller's one flush writes both, each table in one statement.
            touchpoint = Touchpoint(
                application=application,
                step=step.step,
                slot=step.slot,
                status=TouchpointStatus.PLANNED,
                planned_for=step.planned_for,
                due_at=step.due_at,
                reason=step.reason,
            )
            db.session.add(touchpoint)
            add_to_timeline(
                application,
                TimelineKind.PLANNED,
                touchpoint,
                _due_text(step.due_at, step.reason, facts.candidate_zone),
            )
        elif touchpoint.status in (
            TouchpointStatus.PLANNED,
            TouchpointStatus.CANCELLED,
        ):
            if touchpoint.status == TouchpointStatus.CANCELLED or (
                touchpoint.due_at != step.due_at
            ):
                kind = (
                    TimelineKind.PLANNED
                    if touchpoint.status == TouchpointStatus.CANCELLED
                    else TimelineKind.MOVED
                )
                add_to_timeline(
                    application,
                    kind,
                    touchpoint,
                    _due_text(step.due_at, step.reason, facts.candidate_zone),
                )
            touchpoint.status = TouchpointStatus.PLANNED
            touchpoint.planned_for, touchpoint.due_at = step.planned_for, step.due_at
            touchpoint.reason = step.reason
    for (step_name, slot), touchpoint in existing.items():
        if touchpoint.status == TouchpointStatus.PLANNED:
            reason = plan.skip_reason(Step(step_name), slot) or "no longer needed"
            touchpoint.status, touchpoint.reason = TouchpointStatus.CANCELLED, reason
            add_to_timeline(application, TimelineKind.CANCELLED, touchpoint, reason)
    _record_new_skips(application, plan, touchpoints)
    return plan


def _record_new_skips(
    application: Application, plan: Plan, touchpoints: list[Touchpoint]
) -> None:
    """Log a step the plan declines, once, the first time it declines it."""
    if not plan.skipped:
        return
    known = {(tp.step, tp.slot) for tp in touchpoints}
    logged = _logged_skips(application.id)
    for skipped in plan.skipped:
        key = (skipped.step.value, skipped.slot)
        if key not in known and key not in logged:
            db.session.add(
                TimelineEntry(
                    application=application,
                    kind=TimelineKind.SKIPPED,
                    step=skipped.step,
                    slot=skipped.slot,
                    detail=skipped.reason,
                )
            )


def _logged_skips(application_id: int | None) -> set[tuple[str | None, str | None]]:
    """The (step, slot) pairs already logged as skipped; none for a new application."""
    if application_id is None:
        return set()
    query = select(TimelineEntry.step, TimelineEntry.slot).filter_by(
        application_id=application_id, kind=TimelineKind.SKIPPED
    )
    return set(db.session.execute(query).tuples())


def add_to_timeline(
    application: Application | int,
    kind: TimelineKind,
    touchpoint: Touchpoint | None,
    detail: str,
    actor: Actor | None = None,
) -> None:
    """Add one line to the application's timeline; `actor` is who acted, if not us.

    Given objects rather than ids, the entry may name rows not flushed yet.
    """
    owner = (
        {"application_id": application}
        if isinstance(application, int)
        else {"application": application}
    )
    db.session.add(
        TimelineEntry(
            **owner,
            touchpoint=touchpoint,
            kind=kind,
            step=touchpoint.step if touchpoint else None,
            slot=touchpoint.slot if touchpoint else None,
            detail=detail,
            actor_kind=actor.kind if actor else None,
            actor_user_id=actor.user_id if actor else None,
        )
    )


def insert_into_timeline(
    application_id: int, kind: TimelineKind, touchpoint: Touchpoint | None, detail: str
) -> None:
    """As `add_to_timeline`, for our own line on stored rows: one INSERT, run now.

    For the delivery job's "sent", where the session's flush cost more CPU than the
    statement.
    """
    db.session.execute(
        _timeline_insert(),
        {
            "application_id": application_id,
            "touchpoint_id": touchpoint.id if touchpoint else None,
            "kind": kind,
            "step": touchpoint.step if touchpoint else None,
            "slot": touchpoint.slot if touchpoint else None,
            "detail": detail,
        },
    )


@cache
def _timeline_insert() -> Insert:
    """The INSERT of `insert_into_timeline`, built once."""
    return insert(cast(Table, TimelineEntry.__table__))


class DeadlineOutOfRange(ValueError):
    """A decision deadline outside the years the service can plan with."""


def set_decision_deadline(
    application: Application,
    deadline: date | None,
    source: str,
    actor: Actor | None = None,
) -> None:
    """Record a newly stated deadline (most recent wins, from any source).

    Raises DeadlineOutOfRange for a date outside the accepted years: callers check
    first (and answer 422); this keeps such a date from ever being stored.
    """
    if deadline is not None and year_problem(deadline):
        raise DeadlineOutOfRange(year_problem(deadline))
    if application.decision_deadline == deadline and (
        application.decision_deadline_source == source or deadline is None
    ):
        return
    application.decision_deadline = deadline
    application.decision_deadline_source = source if deadline else None
    detail = (
        f"decision deadline set to {deadline.isoformat()} by the {source}"
        if deadline
        else f"decision deadline cleared by the {source}"
    )
    add_to_timeline(application, TimelineKind.DEADLINE, None, detail, actor)


def last_coaching_at(
    candidate_id: int | BindParameter[int],
    excluding_email_id: int | BindParameter[int],
) -> ScalarSelect[datetime]:
    """When the candidate's latest coaching email went out (any application).

    As a subquery (NULL when none went out): the delivery job asks it with its other
    facts in one statement.
    """
    return (
        select(
            func.max(
                func.coalesce(OutboundEmail.sent_at, OutboundEmail.sending_started_at),
                type_=UTCDateTime(),
            )
        )
        .join(Application, Application.id == OutboundEmail.application_id)
        .where(
            Application.candidate_id == candidate_id,
            OutboundEmail.id != excluding_email_id,
            OutboundEmail.template.in_(COACHING_TEMPLATES),
            OutboundEmail.status.in_(
                (EmailStatus.SENDING, EmailStatus.SENT, EmailStatus.UNKNOWN)
            ),
        )
        .scalar_subquery()
    )


def _due_text(due_at: datetime, reason: str, zone: tzinfo) -> str:
    """ "due Tue 01 Dec 2026 16:00 CST: after the round's last interview"."""
    return f"due {due_at.astimezone(zone):%a %d %b %Y %H:%M %Z}: {reason}"
