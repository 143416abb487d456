"""What the digest's queries find: every reason an application could be listed.

Each query reads only the columns a digest line needs, never whole rows, so building
a digest for thousands of applications stays cheap (bench/digest_build.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Row, Select, exists, func, or_, select

from plugin.extensions import db
from plugin.mail.coaching import role_phrase
from plugin.models import (
    Alert,
    AlertStatus,
    Application,
    ApplicationStatus,
    Candidate,
    CompetingOffer,
    EmailStatus,
    Interview,
    InterviewStatus,
    OutboundEmail,
)
from plugin.models.people import candidate_display_name
from plugin.operations.digest_rules import Finding, Reason

FACTS_LENGTH = 300  # DigestMention.facts


@dataclass(frozen=True)
class Scope:
    """Whose digest, as of when, and over which stretch of time."""

    recruiter_id: int
    at: datetime
    zone: tzinfo
    period: timedelta  # a day, or a week for a weekly digest
    since: datetime  # the last digest sent: events after it are news
    no_news_days: int

    @property
    def today(self) -> date:
        """The recruiter's local day."""
        return self.at.astimezone(self.zone).date()

    @property
    def quiet_since(self) -> datetime:
        """No event from the ATS since then reads as "no news"."""
        return self.at - timedelta(days=self.no_news_days)


def find_everything(scope: Scope) -> Findings:
    """Every finding for the recruiter: a fixed number of queries."""
    findings = Findings()
    open_applications = _open_applications(scope)
    _offers(findings, scope, open_applications)
    _standing(findings, scope, open_applications)
    _sent_steps(findings, scope)
    _interviews(findings, scope)
    findings.news_alert_ids = _news(findings, scope.recruiter_id)
    return findings


@dataclass(frozen=True)
class Who:
    """The application as a digest line names it."""

    application_id: int
    candidate: str
    role: str


class Findings:
    """Findings as the queries find them, one per application and reason."""

    def __init__(self) -> None:
        self.who: dict[int, Who] = {}
        self.found: dict[tuple[int, Reason], Finding] = {}
        self.news_alert_ids: list[int] = []  # marked told once the digest is sent

    def add(self, row: Row[Any], reason: Reason, facts: str, detail: str) -> None:
        """Note a reason; a second one for the same application and reason joins it."""
        application_id = row.application_id
        if application_id not in self.who:
            self.who[application_id] = _who(row)
        key = (application_id, reason)
        if key in self.found:
            earlier = self.found[key]
            facts, detail = f"{earlier.facts},{facts}", f"{earlier.detail}; {detail}"
        self.found[key] = Finding(application_id, reason, _short(facts), detail)


@dataclass(frozen=True)
class _OpenApplication:
    row: Row[Any]
    # When the cadence ended for good: the candidate stopped emails, or was told to
    # move on (and no interview came after). Standing reasons end there too.
    ended_at: datetime | None


def _who_columns() -> tuple[Any, ...]:
    """The columns that name an application; the queries read columns, not rows."""
    return (
        Application.id.label("application_id"),
        Application.job_title,
        Application.employer_name,
        Candidate.id.label("candidate_id"),
        Candidate.first_name,
        Candidate.last_name,
    )


def _who(row: Row[Any]) -> Who:
    return Who(
        row.application_id,
        candidate_display_name(row.candidate_id, row.first_name, row.last_name),
        role_phrase(row.job_title, row.employer_name),
    )


def _of_recruiter(query: Select[Any], recruiter_id: int) -> Select[Any]:
    return query.join(Candidate, Application.candidate_id == Candidate.id).where(
        Application.recruiter_id == recruiter_id
    )


def _open_applications(scope: Scope) -> dict[int, _OpenApplication]:
    """Undecided applications with a standing reason (or a live offer) to be listed."""
    live_offer = exists().where(
        CompetingOffer.application_id == Application.id,
        CompetingOffer.offer_deadline >= scope.today,
    )
    moved_on_at = (
        select(func.max(OutboundEmail.sent_at))
        .where(
            OutboundEmail.application_id == Application.id,
            OutboundEmail.template == "move_on",
            OutboundEmail.status == EmailStatus.SENT,
        )
        .scalar_subquery()
    )
    latest_interview = (
        select(func.max(Interview.starts_at))
        .where(
            Interview.application_id == Application.id,
            Interview.status != InterviewStatus.CANCELLED,
        )
        .scalar_subquery()
    )
    query = select(
        *_who_columns(),
        Application.decision_deadline,
        Application.source_updated_at,
        Application.emails_stopped_at,
        Candidate.opted_out_at,
        moved_on_at.label("moved_on_at"),
        latest_interview.label("latest_interview"),
    )
    rows = db.session.execute(
        _of_recruiter(query, scope.recruiter_id)
        .where(
            Application.status == ApplicationStatus.ACTIVE,
            Application.heard_back_at.is_(None),
            or_(
                Application.decision_deadline < scope.today,
                Application.source_updated_at < scope.quiet_since,
                live_offer,
            ),
        )
        .order_by(Application.decision_deadline, Application.id)
    ).all()
    return {row.application_id: _OpenApplication(row, _ended_at(row)) for row in rows}


def _ended_at(row: Row[Any]) -> datetime | None:
    ends = [row.emails_stopped_at, row.opted_out_at]
    moved_on, latest = row.moved_on_at, row.latest_interview
    if moved_on is not None and (latest is None or latest < moved_on):
        ends.append(moved_on)
    known = [end for end in ends if end is not None]
    return min(known) if known else None


def _offers(
    findings: Findings, scope: Scope, open_applications: dict[int, _OpenApplication]
) -> None:
    today = scope.today
    offers = db.session.execute(
        select(
            CompetingOffer.id,
            CompetingOffer.application_id,
            CompetingOffer.employer_name,
            CompetingOffer.offer_deadline,
            CompetingOffer.reported_at,
        )
        .join(Application, CompetingOffer.application_id == Application.id)
        .where(
            Application.recruiter_id == scope.recruiter_id,
            CompetingOffer.offer_deadline >= today,
        )
        .order_by(CompetingOffer.offer_deadline, CompetingOffer.id)
    ).all()
    for offer in offers:
        known = open_applications.get(offer.application_id)
        if known is None or _after_the_end(known, offer.reported_at):
            continue
        employer = f" from {offer.employer_name}" if offer.employer_name else ""
        findings.add(
            known.row,
            Reason.OFFER,
            f"{offer.id}@{offer.offer_deadline}",
            f"offer{employer} ends {offer.offer_deadline:%a %d %b} "
            f"({_days_left(offer.offer_deadline, today)})",
        )


def _after_the_end(known: _OpenApplication, reported_at: datetime) -> bool:
    """True for an offer reported before the cadence ended: old news since then."""
    return known.ended_at is not None and reported_at <= known.ended_at


def _standing(
    findings: Findings, scope: Scope, open_applications: dict[int, _OpenApplication]
) -> None:
    at, zone, today = scope.at, scope.zone, scope.today
    for known in open_applications.values():
        if known.ended_at is not None:
            continue  # told once when it ended; nothing standing after that
        row = known.row
        deadline = row.decision_deadline
        if deadline is not None and deadline < today:
            findings.add(
                row,
                Reason.OVERDUE,
                deadline.isoformat(),
                f"decision was due {deadline:%a %d %b} "
                f"({_count((today - deadline).days, 'day')} ago)",
            )
        last_news = row.source_updated_at
        if last_news is not None and last_news < scope.quiet_since:
            findings.add(
                row,
                Reason.NO_NEWS,
                last_news.isoformat(),
                f"nothing from the employer since "
                f"{last_news.astimezone(zone):%a %d %b} "
                f"({_count((at - last_news).days, 'day')})",
            )


def _sent_steps(findings: Findings, scope: Scope) -> None:
    """Check-ins and move-ons sent since the last digest: told once."""
    query = select(
        *_who_columns(),
        OutboundEmail.id.label("email_id"),
        OutboundEmail.template,
        OutboundEmail.sent_at,
    ).join(OutboundEmail, OutboundEmail.application_id == Application.id)
    rows = db.session.execute(
        _of_recruiter(query, scope.recruiter_id)
        .where(
            OutboundEmail.template.in_(("check_in", "move_on")),
            OutboundEmail.status == EmailStatus.SENT,
            OutboundEmail.sent_at > scope.since,
        )
        .order_by(OutboundEmail.sent_at, OutboundEmail.id)
    ).all()
    for row in rows:
        day = f"{row.sent_at.astimezone(scope.zone):%a %d %b}"
        if row.template == "check_in":
            detail, reason = f"check-in sent {day}", Reason.CHECK_IN
        else:
            detail = f"told to move on {day}: the coaching for this role ended"
            reason = Reason.MOVED_ON
        findings.add(row, reason, str(row.email_id), detail)


def _interviews(findings: Findings, scope: Scope) -> None:
    period, zone = scope.period, scope.zone
    start = datetime.combine(scope.today, time(0), zone)
    query = select(
        *_who_columns(), Interview.id.label("interview_id"), Interview.starts_at
    ).join(Interview, Interview.application_id == Application.id)
    rows = db.session.execute(
        _of_recruiter(query, scope.recruiter_id)
        .where(
            Interview.status != InterviewStatus.CANCELLED,
            Interview.starts_at >= start,
            Interview.starts_at < start + period,
        )
        .order_by(Interview.starts_at, Interview.id)
    ).all()
    shape = "%H:%M %Z" if period.days == 1 else "%a %d %b %H:%M %Z"
    for row in rows:
        findings.add(
            row,
            Reason.INTERVIEW,
            str(row.interview_id),
            f"interview at {row.starts_at.astimezone(zone):{shape}}",
        )


def _news(findings: Findings, recruiter_id: int) -> list[int]:
    """News from candidates waiting for this digest; their ids, to mark them told."""
    rows = db.session.execute(
        select(*_who_columns(), Alert.id.label("alert_id"), Alert.kind, Alert.detail)
        .join(Application, Alert.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .where(
            Alert.recruiter_id == recruiter_id,
            Alert.urgent.is_(False),
            Alert.status == AlertStatus.FOR_DIGEST,
        )
        .order_by(Alert.created_at, Alert.id)
    ).all()
    for row in rows:
        reason = Reason.STOPPED if row.kind == "opted_out" else Reason.NEWS
        findings.add(row, reason, str(row.alert_id), row.detail or row.kind)
    return [row.alert_id for row in rows]


def _short(facts: str) -> str:
    """Facts as stored: as they are, or a hash when too long for the column."""
    if len(facts) <= FACTS_LENGTH:
        return facts
    return "sha256:" + hashlib.sha256(facts.encode()).hexdigest()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _days_left(deadline: date, today: date) -> str:
    left = (deadline - today).days
    return "today" if left == 0 else f"{_count(left, 'day')} left"
