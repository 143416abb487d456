"""Apply the cadence core's decisions to an application's touchpoints."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from sqlalchemy import select

from .cadence.rounds import HeldInterview, group_rounds, plan_thank_yous
from .cadence.timing import candidate_zone
from .extensions import db
from .models import Application, Step, Touchpoint, TouchpointStatus
from .policy import Policy


def zone_of(application: Application, policy: Policy) -> tzinfo:
    """The candidate's zone for this application (DESIGN's fallback chain)."""
    return candidate_zone(
        application.candidate.timezone,
        application.employer_timezone,
        (i.utc_offset_minutes for i in application.interviews if i.is_held),
        policy.firm.timezone,
    )


def replan_thank_yous(application: Application, policy: Policy) -> None:
    """Make the planned thank-yous match the application's rounds as known now."""
    existing = {
        tp.round_date: tp
        for tp in db.session.scalars(
            select(Touchpoint).filter_by(
                application_id=application.id, step=Step.THANK_YOU
            )
        )
    }
    if not application.is_active:
        _cancel_planned(existing.values(), f"the application is {application.status}")
        return
    zone = zone_of(application, policy)
    held = [
        HeldInterview(i.id, i.ends_at)
        for i in application.interviews
        if i.is_held and i.ends_at is not None
    ]
    wanted = plan_thank_yous(
        group_rounds(held, zone),
        zone,
        timedelta(minutes=policy.thank_you.delay_minutes),
        policy.quiet_hours.start,
        policy.quiet_hours.end,
    )
    for plan in wanted:
        touchpoint = existing.pop(plan.round_date, None)
        if touchpoint is None:
            db.session.add(
                Touchpoint(
                    application_id=application.id,
                    step=Step.THANK_YOU,
                    round_date=plan.round_date,
                    due_at=plan.due_at,
                    reason="planned after the round's last interview",
                )
            )
        elif touchpoint.status in (
            TouchpointStatus.PLANNED,
            TouchpointStatus.CANCELLED,
        ):
            touchpoint.status = TouchpointStatus.PLANNED
            touchpoint.due_at = plan.due_at
            touchpoint.reason = "planned after the round's last interview"
    _cancel_planned(existing.values(), "no interview is left in this round")


def _cancel_planned(touchpoints: object, reason: str) -> None:
    for touchpoint in touchpoints:  # type: ignore[attr-defined]
        if touchpoint.status == TouchpointStatus.PLANNED:
            touchpoint.status = TouchpointStatus.CANCELLED
            touchpoint.reason = reason
