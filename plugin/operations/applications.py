"""Finding applications: the list behind the API, the dashboard's search, and the
first screen's buckets of who needs the recruiter today.

Each function costs a fixed number of statements, however many applications there
are (tests count them at N and 10N).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Select, String, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from plugin import clock
from plugin.extensions import db
from plugin.mail.coaching import role_phrase
from plugin.models import (
    Application,
    ApplicationStatus,
    Candidate,
    CompetingOffer,
    Interview,
    InterviewStatus,
    Recruiter,
    Touchpoint,
    TouchpointStatus,
    User,
)
from plugin.operations.accounts import disabled_staff_emails, visible_applications

PAGE_SIZE = 25
# "any" lists every state; the others are an application's status.
STATES = ("active", "offer_extended", "hired", "rejected", "withdrawn", "any")
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class Search:
    """What the recruiter typed and chose: text, state, recruiter (admins), page."""

    text: str = ""
    state: str = "active"
    recruiter_id: int | None = None
    page: int = 1


@dataclass(frozen=True)
class SearchResults:
    """One page of matching applications, and where it sits among the pages."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class BucketItem:
    """One application in a bucket, with what puts it there."""

    application_id: int
    candidate: str
    role: str
    when: datetime | date
    detail: str


@dataclass
class Bucket:
    """One question of the first screen, and the applications that answer it."""

    key: str
    title: str
    items: list[BucketItem] = field(default_factory=list)


def application_rows(user: User) -> list[dict[str, Any]]:
    """The list behind the API: every active application (two queries)."""
    found = (
        db.session.scalars(
            _with_people(_joined(visible_applications(user)))
            .where(Application.status == ApplicationStatus.ACTIVE)
            .order_by(Application.id)
        )
        .unique()
        .all()
    )
    return _rows(found, user)


def search_applications(user: User, search: Search) -> SearchResults:
    """One page of the applications matching `search` (three queries).

    A page past the last one shows the last page: links to it go stale as
    applications change state.
    """
    matching = _matching(user, search)
    total = db.session.scalar(
        select(func.count()).select_from(
            matching.with_only_columns(Application.id).subquery()
        )
    )
    pages = max(1, -(-(total or 0) // PAGE_SIZE))
    page = min(search.page, pages)
    found = (
        db.session.scalars(
            _with_people(matching)
            .order_by(Application.updated_at.desc(), Application.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        .unique()
        .all()
    )
    return SearchResults(_rows(found, user), total or 0, page, pages)


def recruiters_for_filter() -> list[Recruiter]:
    """Every recruiter, by email, for an admin's filter (one query)."""
    return list(db.session.scalars(select(Recruiter).order_by(Recruiter.email)))


def todays_buckets(
    user: User, at: datetime, zone: tzinfo, recruiter_id: int | None = None
) -> list[Bucket]:
    """Who needs the reader today, in the reader's zone (four queries)."""
    today = at.astimezone(zone).date()
    start = datetime.combine(today, time(0), zone)
    end = start + timedelta(days=1)
    scope = visible_applications(user)
    if recruiter_id is not None:
        scope = scope.where(Application.recruiter_id == recruiter_id)
    return [
        Bucket("offers", "Competing offers", _offers(scope, today)),
        Bucket("overdue", "Decisions overdue", _overdue(scope, today)),
        Bucket("check_ins", "Check-ins due", _check_ins_due(scope, end)),
        Bucket("interviews", "Interviews today", _interviews(scope, start, end)),
    ]


def _matching(user: User, search: Search) -> Select[tuple[Application]]:
    query = _joined(visible_applications(user))
    if search.state != "any":
        query = query.where(Application.status == search.state)
    if search.recruiter_id is not None:
        query = query.where(Application.recruiter_id == search.recruiter_id)
    if search.text:
        query = query.where(_text_matches(search.text))
    return query


def _text_matches(text: str) -> Any:
    """Candidate, employer or job contains `text`, whatever its case."""
    escaped = (
        text.lower()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    pattern = f"%{escaped}%"
    full_name = (
        func.coalesce(Candidate.first_name, literal("", String))
        + literal(" ", String)
        + func.coalesce(Candidate.last_name, literal("", String))
    )
    return or_(
        *(
            func.lower(column).like(pattern, escape=LIKE_ESCAPE)
            for column in (full_name, Application.employer_name, Application.job_title)
        )
    )


def _with_people(query: Select[tuple[Application]]) -> Select[tuple[Application]]:
    """Load each application's candidate (already joined) and recruiter at once."""
    return query.options(
        contains_eager(Application.candidate), joinedload(Application.recruiter)
    )


def _joined(query: Select[tuple[Application]]) -> Select[tuple[Application]]:
    return query.join(Candidate, Application.candidate_id == Candidate.id)


def _rows(found: Any, user: User) -> list[dict[str, Any]]:
    next_steps = _next_steps([a.id for a in found])
    now = clock.now()
    # Only admins see other recruiters' applications, so only they need to know.
    disabled = (
        set(db.session.scalars(disabled_staff_emails())) if user.is_admin else set()
    )
    return [
        {
            "application": a,
            "candidate": a.candidate.display_name,
            "role": role_phrase(a.job_title, a.employer_name),
            "role_label": a.role_label,
            "status": a.status,
            "recruiter": a.recruiter.email if a.recruiter else None,
            # Nobody looks after it: admins see these as unassigned.
            "unassigned": a.recruiter is None or a.recruiter.email.lower() in disabled,
            "paused": a.is_paused(now),
            "heard_back": a.heard_back_at is not None,
            "next_step": next_steps.get(a.id, (None, None))[0],
            "next_due": next_steps.get(a.id, (None, None))[1],
        }
        for a in found
    ]


def _open(scope: Select[tuple[Application]]) -> Select[tuple[Application]]:
    """Active applications the candidate has not heard back on: still waiting."""
    return (
        _joined(scope)
        .options(contains_eager(Application.candidate))
        .where(
            Application.status == ApplicationStatus.ACTIVE,
            Application.heard_back_at.is_(None),
        )
    )


def _item(application: Application, when: datetime | date, detail: str) -> BucketItem:
    return BucketItem(
        application.id,
        application.candidate.display_name,
        application.role_label,
        when,
        detail,
    )


def _offers(scope: Select[tuple[Application]], today: date) -> list[BucketItem]:
    rows = db.session.execute(
        _open(scope)
        .add_columns(CompetingOffer.employer_name, CompetingOffer.offer_deadline)
        .join(CompetingOffer, CompetingOffer.application_id == Application.id)
        .where(CompetingOffer.offer_deadline >= today)
        .order_by(CompetingOffer.offer_deadline, Application.id)
    ).all()
    return [
        _item(a, deadline, f"Offer{f' from {employer}' if employer else ''} ends")
        for a, employer, deadline in rows
    ]


def _overdue(scope: Select[tuple[Application]], today: date) -> list[BucketItem]:
    found = db.session.scalars(
        _open(scope)
        .where(Application.decision_deadline < today)
        .order_by(Application.decision_deadline, Application.id)
    ).all()
    return [
        _item(a, a.decision_deadline, "Decision was due")
        for a in found
        if a.decision_deadline is not None
    ]


def _check_ins_due(
    scope: Select[tuple[Application]], end: datetime
) -> list[BucketItem]:
    rows = db.session.execute(
        _open(scope)
        .add_columns(Touchpoint.due_at)
        .join(Touchpoint, Touchpoint.application_id == Application.id)
        .where(
            Touchpoint.step == "check_in",
            Touchpoint.status.in_((TouchpointStatus.PLANNED, TouchpointStatus.QUEUED)),
            Touchpoint.due_at < end,
        )
        .order_by(Touchpoint.due_at, Application.id)
    ).all()
    return [_item(a, due_at, "Check-in due") for a, due_at in rows]


def _interviews(
    scope: Select[tuple[Application]], start: datetime, end: datetime
) -> list[BucketItem]:
    rows = db.session.execute(
        _open(scope)
        .add_columns(Interview.starts_at)
        .join(Interview, Interview.application_id == Application.id)
        .where(
            Interview.status != InterviewStatus.CANCELLED,
            Interview.starts_at >= start,
            Interview.starts_at < end,
        )
        .order_by(Interview.starts_at, Application.id)
    ).all()
    return [_item(a, starts_at, "Interview") for a, starts_at in rows]


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
