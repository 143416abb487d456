"""The recruiter's morning digest: who needs action today, most urgent first.

Building one costs a fixed number of queries, however many applications the
recruiter has (a test counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager

from plugin.config import firm_policy
from plugin.extensions import db
from plugin.mail.coaching import role_phrase
from plugin.mail.links import external_url
from plugin.models import (
    Alert,
    AlertStatus,
    Application,
    ApplicationStatus,
    Candidate,
    CompetingOffer,
    Digest,
    DigestStatus,
    Interview,
    InterviewStatus,
    OutboundEmail,
    Recruiter,
    Touchpoint,
)
from plugin.operations.accounts import disabled_staff_emails, is_enabled_admin

SECTIONS = (
    ("offers", "Competing offers"),
    ("overdue", "Employer decisions overdue"),
    ("stalled", "Reached move-on, or no news for a while"),
    ("check_ins", "Check-ins sent since the last digest"),
    ("interviews", "Today's interviews"),
    ("news", "News from candidates"),
    # Only in an admin's digest: nobody else looks after these.
    ("unassigned", "Unassigned: no recruiter, or theirs is disabled"),
)


@dataclass(frozen=True)
class DigestItem:
    """One line of the digest: whose application, and what about it."""

    application_id: int
    candidate: str
    role: str
    detail: str
    url: str


@dataclass
class DigestContent:
    """The digest of one recruiter for one local day."""

    recruiter_id: int
    local_date: date
    zone: tzinfo
    sections: dict[str, list[DigestItem]] = field(default_factory=dict)
    news_alert_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many items, across sections."""
        return sum(len(items) for items in self.sections.values())

    def ordered(self) -> list[tuple[str, str, list[DigestItem]]]:
        """(key, title, items) in the digest's order, empty sections left out."""
        return [
            (key, title, self.sections[key])
            for key, title in SECTIONS
            if self.sections.get(key)
        ]


def recruiter_zone(recruiter: Recruiter | None) -> tzinfo:
    """The recruiter's zone, else the firm's."""
    name = recruiter.timezone if recruiter and recruiter.timezone else None
    return ZoneInfo(name or firm_policy().firm.timezone)


def recruiters_due_a_digest(
    at: datetime, requeue_after: timedelta
) -> list[tuple[int, date]]:
    """(recruiter, local day) pairs whose morning hour has come, with no digest yet
    or a pending one due a retry and not queued lately (marked as queued now)."""
    send_at: time = firm_policy().digest.send_at
    due = []
    enabled = func.lower(Recruiter.email).not_in(disabled_staff_emails())
    for recruiter in db.session.scalars(select(Recruiter).where(enabled)):
        local = at.astimezone(recruiter_zone(recruiter))
        if local.time() >= send_at:
            due.append((recruiter.id, local.date()))
    if not due:
        return []
    made = {
        (d.recruiter_id, d.local_date): d
        for d in db.session.scalars(
            select(Digest).where(
                Digest.recruiter_id.in_([r for r, _ in due]),
                Digest.local_date.in_({d for _, d in due}),
            )
        )
    }
    retries = [d for d in made.values() if d.is_due(at, requeue_after)]
    for digest in retries:
        digest.enqueued_at = at
    db.session.commit()
    return [p for p in due if p not in made or made[p] in retries]


def build_digest(recruiter: Recruiter, at: datetime) -> DigestContent:
    """Everything the recruiter should see this morning, in order of urgency."""
    zone = recruiter_zone(recruiter)
    today = at.astimezone(zone).date()
    content = DigestContent(recruiter.id, today, zone)
    content.sections["offers"] = _offers(recruiter.id, today)
    content.sections["overdue"] = _overdue(recruiter.id, today)
    content.sections["stalled"] = _stalled(recruiter.id, at)
    content.sections["check_ins"] = _check_ins(recruiter.id, at)
    content.sections["interviews"] = _interviews(recruiter.id, today, zone)
    content.sections["news"], content.news_alert_ids = _news(recruiter.id)
    if is_enabled_admin(recruiter):
        content.sections["unassigned"] = _unassigned()
    return content


def _open_applications(recruiter_id: int) -> Select[Any]:
    return (
        select(Application)
        .join(Application.candidate)
        .options(contains_eager(Application.candidate))
        .where(
            Application.recruiter_id == recruiter_id,
            Application.status == ApplicationStatus.ACTIVE,
            Application.heard_back_at.is_(None),
        )
    )


def _item(application: Application, detail: str) -> DigestItem:
    candidate: Candidate = application.candidate
    return DigestItem(
        application.id,
        candidate.display_name,
        role_phrase(application.job_title, application.employer_name),
        detail,
        external_url("dashboard.application", application_id=application.id),
    )


def _offers(recruiter_id: int, today: date) -> list[DigestItem]:
    rows = db.session.execute(
        _open_applications(recruiter_id)
        .add_columns(CompetingOffer.employer_name, CompetingOffer.offer_deadline)
        .join(CompetingOffer, CompetingOffer.application_id == Application.id)
        .where(CompetingOffer.offer_deadline >= today)
        .order_by(CompetingOffer.offer_deadline, Application.id)
    ).all()
    return [
        _item(
            application,
            f"offer{f' from {employer}' if employer else ''} "
            f"ends {deadline:%a %d %b} ({_days(deadline, today)})",
        )
        for application, employer, deadline in rows
    ]


def _overdue(recruiter_id: int, today: date) -> list[DigestItem]:
    applications = db.session.scalars(
        _open_applications(recruiter_id)
        .where(Application.decision_deadline < today)
        .order_by(Application.decision_deadline, Application.id)
    ).all()
    return [
        _item(
            a,
            f"decision was due {a.decision_deadline:%a %d %b} "
            f"({(today - a.decision_deadline).days} days ago)",
        )
        for a in applications
        if a.decision_deadline is not None
    ]


def _stalled(recruiter_id: int, at: datetime) -> list[DigestItem]:
    days = firm_policy().digest.no_news_days
    moved_on = (
        select(Touchpoint.application_id)
        .where(Touchpoint.step == "move_on", Touchpoint.status == "sent")
        .scalar_subquery()
    )
    quiet_since = at - timedelta(days=days)
    applications = (
        db.session.scalars(
            _open_applications(recruiter_id)
            .where(
                Application.id.in_(moved_on)
                | (Application.source_updated_at < quiet_since)
            )
            .order_by(Application.source_updated_at, Application.id)
        )
        .unique()
        .all()
    )
    return [_item(a, _stalled_reason(a, at, quiet_since)) for a in applications]


def _stalled_reason(
    application: Application, at: datetime, quiet_since: datetime
) -> str:
    last_news = application.source_updated_at
    if last_news is None or last_news >= quiet_since:
        return "reached move-on"
    return f"nothing from the employer for {(at - last_news).days} days"


def _check_ins(recruiter_id: int, at: datetime) -> list[DigestItem]:
    since = db.session.scalar(
        select(func.max(Digest.created_at)).where(
            Digest.recruiter_id == recruiter_id,
            Digest.status == DigestStatus.SENT,
        )
    ) or at - timedelta(days=1)
    rows = db.session.execute(
        select(Application, OutboundEmail.sent_at)
        .join(OutboundEmail, OutboundEmail.application_id == Application.id)
        .join(Application.candidate)
        .options(contains_eager(Application.candidate))
        .where(
            Application.recruiter_id == recruiter_id,
            OutboundEmail.template == "check_in",
            OutboundEmail.status == "sent",
            OutboundEmail.sent_at > since,
        )
        .order_by(OutboundEmail.sent_at)
    ).all()
    return [_item(a, f"check-in sent {sent_at:%a %d %b}") for a, sent_at in rows]


def _interviews(recruiter_id: int, today: date, zone: tzinfo) -> list[DigestItem]:
    start = datetime.combine(today, time(0), zone)
    rows = db.session.execute(
        select(Application, Interview.starts_at)
        .join(Interview, Interview.application_id == Application.id)
        .join(Application.candidate)
        .options(contains_eager(Application.candidate))
        .where(
            Application.recruiter_id == recruiter_id,
            Interview.status != InterviewStatus.CANCELLED,
            Interview.starts_at >= start,
            Interview.starts_at < start + timedelta(days=1),
        )
        .order_by(Interview.starts_at)
    ).all()
    return [
        _item(a, f"interview at {starts_at.astimezone(zone):%H:%M %Z}")
        for a, starts_at in rows
    ]


def _news(recruiter_id: int) -> tuple[list[DigestItem], list[int]]:
    rows = db.session.execute(
        select(Alert, Application)
        .join(Application, Alert.application_id == Application.id)
        .join(Application.candidate)
        .options(contains_eager(Application.candidate))
        .where(
            Alert.recruiter_id == recruiter_id,
            Alert.urgent.is_(False),
            Alert.status == AlertStatus.FOR_DIGEST,
        )
        .order_by(Alert.created_at)
    ).all()
    return [_item(a, alert.detail or alert.kind) for alert, a in rows], [
        alert.id for alert, _ in rows
    ]


def _unassigned() -> list[DigestItem]:
    """Open applications with no recruiter, or one who is disabled."""
    rows = db.session.execute(
        select(Application, Recruiter.email)
        .join(Application.candidate)
        .outerjoin(Recruiter, Application.recruiter_id == Recruiter.id)
        .options(contains_eager(Application.candidate))
        .where(
            Application.status == ApplicationStatus.ACTIVE,
            Application.heard_back_at.is_(None),
            or_(
                Application.recruiter_id.is_(None),
                func.lower(Recruiter.email).in_(disabled_staff_emails()),
            ),
        )
        .order_by(Application.id)
    ).all()
    return [
        _item(a, f"recruiter {email} is disabled" if email else "no recruiter")
        for a, email in rows
    ]


def _days(deadline: date, today: date) -> str:
    left = (deadline - today).days
    return "today" if left == 0 else "1 day left" if left == 1 else f"{left} days left"
