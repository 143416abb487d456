"""The list of applications behind the dashboard and the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from plugin import clock
from plugin.extensions import db
from plugin.mail.coaching import role_phrase
from plugin.models import (
    Application,
    ApplicationStatus,
    Touchpoint,
    TouchpointStatus,
    User,
)
from plugin.operations.accounts import disabled_staff_emails, visible_applications


def application_rows(user: User) -> list[dict[str, Any]]:
    """The list behind the dashboard and the API (two queries, whatever the size)."""
    found = (
        db.session.scalars(
            visible_applications(user)
            .join(Application.candidate)
            .options(
                contains_eager(Application.candidate), joinedload(Application.recruiter)
            )
            .where(Application.status == ApplicationStatus.ACTIVE)
            .order_by(Application.id)
        )
        .unique()
        .all()
    )
    next_steps = _next_steps([a.id for a in found])
    # Only admins see other recruiters' applications, so only they need to know.
    disabled = (
        set(db.session.scalars(disabled_staff_emails())) if user.is_admin else set()
    )
    return [
        {
            "application": a,
            "candidate": a.candidate.display_name,
            "role": role_phrase(a.job_title, a.employer_name),
            "recruiter": a.recruiter.email if a.recruiter else None,
            # Nobody looks after it: admins see these as unassigned.
            "unassigned": a.recruiter is None or a.recruiter.email.lower() in disabled,
            "paused": a.is_paused(clock.now()),
            "heard_back": a.heard_back_at is not None,
            "next_step": next_steps.get(a.id, (None, None))[0],
            "next_due": next_steps.get(a.id, (None, None))[1],
        }
        for a in found
    ]


def _next_steps(application_ids: list[int]) -> dict[int, tuple[str, datetime]]:
    """Each application's earliest planned step, in one windowed query."""
    if not application_ids:
        return {}
    ranked = (
        select(
            Touchpoint.application_id,
            Touchpoint.step,
            Touchpoint.due_at,
            func.row_number()
            .over(partition_by=Touchpoint.application_id, order_by=Touchpoint.due_at)
            .label("rank"),
        )
        .where(
            Touchpoint.status == TouchpointStatus.PLANNED,
            Touchpoint.application_id.in_(application_ids),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.application_id, ranked.c.step, ranked.c.due_at).where(
            ranked.c.rank == 1
        )
    ).all()
    return {row.application_id: (row.step, row.due_at) for row in rows}
