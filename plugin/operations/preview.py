"""The planned timeline of an application, or of one event, without sending anything."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select

from plugin import clock
from plugin.cadence.plan import plan_cadence
from plugin.config import app_settings, firm_policy
from plugin.extensions import db
from plugin.models import ActorKind, Application, Recruiter, TimelineEntry, User
from plugin.models.zones import employer_zone_of, zone_of
from plugin.operations.events import apply_event
from plugin.operations.planning import (
    SETTLED,
    facts_for,
    replan,
    touchpoints_of,
)
from webhooks import WebhookSource


def preview_application(application: Application) -> dict[str, Any]:
    """Past and planned steps, in the candidate's and the employer's local times."""
    policy = firm_policy()
    touchpoints = touchpoints_of(application.id)
    plan = plan_cadence(facts_for(application, touchpoints, policy), policy)
    candidate_zone = zone_of(application, policy)
    employer_zone = employer_zone_of(application, policy)
    rows = [
        (tp.step, tp.slot, tp.status, tp.due_at, tp.reason or "")
        for tp in touchpoints
        if tp.status in SETTLED
    ] + [(s.step, s.slot, "planned", s.due_at, s.reason) for s in plan.steps]
    return {
        "application": {
            "id": application.id,
            "source": application.source,
            "external_id": application.external_id,
            "status": application.status,
        },
        "candidate_zone": str(candidate_zone),
        "employer_zone": str(employer_zone),
        "stopped_reason": plan.stopped_reason,
        "steps": [
            {
                "step": step,
                "slot": slot,
                "status": status,
                "due_at": due_at.isoformat(),
                "due_candidate_local": _local(due_at, candidate_zone),
                "due_employer_local": _local(due_at, employer_zone),
                "reason": reason,
            }
            for step, slot, status, due_at, reason in sorted(rows, key=lambda r: r[3])
        ],
        "declined": [
            {"step": s.step, "slot": s.slot, "reason": s.reason} for s in plan.skipped
        ],
        "timeline": _timeline(application),
    }


def preview_event(source: WebhookSource, payload: Any) -> list[dict[str, Any]]:
    """What the plan would be if this event were applied; nothing is kept."""
    policy = firm_policy()
    try:
        previews = []
        # As the inbox job does: sources may stamp undated events with arrival.
        settings = {**app_settings(), "DELIVERY_RECEIVED_AT": clock.now()}
        for canonical in source.normalise(payload, settings):
            application = apply_event(source.name, canonical)
            replan(application, policy)
            previews.append(preview_application(application))
        return previews
    finally:
        db.session.rollback()


def _timeline(application: Application) -> list[dict[str, Any]]:
    """Every line, with who acted, in one query however many staff appear."""
    rows = db.session.execute(
        select(TimelineEntry, User.email, Recruiter.name)
        .outerjoin(User, User.id == TimelineEntry.actor_user_id)
        .outerjoin(Recruiter, func.lower(Recruiter.email) == func.lower(User.email))
        .where(TimelineEntry.application_id == application.id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    ).tuples()
    return [
        {
            "at": entry.occurred_at.isoformat(),
            "kind": entry.kind,
            "step": entry.step,
            "slot": entry.slot,
            "detail": entry.detail,
            "actor_kind": entry.actor_kind,
            "actor": actor_phrase(entry.actor_kind, name or email, application.source),
        }
        for entry, email, name in rows
    ]


def actor_phrase(kind: str | None, staff_name: str | None, source: str) -> str | None:
    """How the timeline names who acted: "by Dana Reyes (recruiter)"."""
    if kind in (ActorKind.RECRUITER, ActorKind.ADMIN):
        return f"by {staff_name or 'a former user'} ({kind})"
    if kind == ActorKind.CANDIDATE:
        return "by the candidate"
    if kind == ActorKind.ATS:
        # The standard webhook is whatever ATS the firm wired to it.
        return "from the ATS" if source == "standard" else f"from {source.title()}"
    if kind == ActorKind.OPERATOR:
        return "by an operator from the command line"
    return None


def _local(instant: datetime, zone: tzinfo) -> str:
    return instant.astimezone(zone).isoformat()
