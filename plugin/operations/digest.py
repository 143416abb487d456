"""The recruiter's digest: who needs action, each application once, most urgent first.

The queries find every reason an application could be listed (findings); the rules in
`digest_rules` keep what is new, changed or due a reminder. Building one costs a fixed
number of queries, however many applications the recruiter has (a test counts them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
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
    DigestFrequency,
    DigestMention,
    DigestStatus,
    EmailStatus,
    Interview,
    InterviewStatus,
    OutboundEmail,
    Recruiter,
)
from plugin.operations.digest_rules import (
    SECTION_TITLES,
    Choice,
    Finding,
    LastShown,
    Reason,
    choose,
)

SECTIONS = tuple((reason.value, SECTION_TITLES[reason]) for reason in Reason)
WEEKLY_ON = (
    0  # a weekly digest comes on Mondays (date.weekday()), in the recruiter's zone
)
FACTS_LENGTH = 300  # DigestMention.facts


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
    """The digest of one recruiter for one local day (or, weekly, for one week)."""

    recruiter_id: int
    local_date: date
    zone: tzinfo
    weekly: bool = False
    sections: dict[str, list[DigestItem]] = field(default_factory=dict)
    news_alert_ids: list[int] = field(default_factory=list)
    told: list[Finding] = field(default_factory=list)  # remembered once it is sent

    @property
    def total(self) -> int:
        """How many items, across sections (one per application)."""
        return sum(len(items) for items in self.sections.values())

    def ordered(self) -> list[tuple[str, str, list[DigestItem]]]:
        """(key, title, items) in the digest's order, empty sections left out."""
        return [
            (key, title, self.sections[key])
            for key, title in SECTIONS
            if self.sections.get(key)
        ]


class _Findings:
    """Findings as the queries find them, one per application and reason."""

    def __init__(self) -> None:
        self.applications: dict[int, Application] = {}
        self.found: dict[tuple[int, Reason], Finding] = {}

    def add(
        self, application: Application, reason: Reason, facts: str, detail: str
    ) -> None:
        """Note a reason; a second one for the same application and reason joins it."""
        self.applications[application.id] = application
        key = (application.id, reason)
        if key in self.found:
            earlier = self.found[key]
            facts, detail = f"{earlier.facts},{facts}", f"{earlier.detail}; {detail}"
        self.found[key] = Finding(application.id, reason, _short(facts), detail)


def recruiter_zone(recruiter: Recruiter | None) -> tzinfo:
    """The recruiter's zone, else the firm's."""
    name = recruiter.timezone if recruiter and recruiter.timezone else None
    return ZoneInfo(name or firm_policy().firm.timezone)


def is_weekly(recruiter: Recruiter) -> bool:
    """True for a recruiter who asked for one digest a week."""
    return recruiter.digest_frequency == DigestFrequency.WEEKLY


def set_digest_frequency(recruiter: Recruiter, frequency: str) -> None:
    """Daily or weekly digests for this recruiter, from the next one on; commit."""
    recruiter.digest_frequency = DigestFrequency(frequency)
    db.session.commit()


def recruiters_due_a_digest(
    at: datetime, requeue_after: timedelta
) -> list[tuple[int, date]]:
    """(recruiter, local day) pairs whose morning hour has come, with no digest yet
    or a pending one due a retry and not queued lately (marked as queued now)."""
    send_at: time = firm_policy().digest.send_at
    due = []
    for recruiter in db.session.scalars(select(Recruiter)):
        local = at.astimezone(recruiter_zone(recruiter))
        if is_weekly(recruiter) and local.weekday() != WEEKLY_ON:
            continue
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
    """What the recruiter should read now: each application once, most urgent first."""
    zone = recruiter_zone(recruiter)
    today = at.astimezone(zone).date()
    content = DigestContent(recruiter.id, today, zone, weekly=is_weekly(recruiter))
    period = timedelta(days=7 if content.weekly else 1)
    findings = _Findings()
    open_applications = _open_applications(recruiter.id)
    _offers(findings, recruiter.id, today, open_applications)
    _standing(findings, open_applications, at, zone)
    since = _last_digest_or(recruiter.id, at - period)
    _sent_steps(findings, recruiter.id, since, zone)
    _interviews(findings, recruiter.id, today, period, zone)
    content.news_alert_ids = _news(findings, recruiter.id)
    last_shown = _last_shown(recruiter.id, set(findings.applications))
    repeat_after = firm_policy().digest.repeat_unchanged_after_days
    for choice in choose(findings.found.values(), last_shown, today, repeat_after):
        application = findings.applications[choice.primary.application_id]
        key = choice.primary.reason.value
        content.sections.setdefault(key, []).append(_item(application, choice))
        content.told.extend(choice.findings)
    return content


def remember_told(content: DigestContent) -> None:
    """Once the digest went out, note what it told per application and reason."""
    told = {(f.application_id, f.reason.value): f for f in content.told}
    if not told:
        return
    mentions = {
        (m.application_id, m.reason): m
        for m in db.session.scalars(
            select(DigestMention).where(
                DigestMention.recruiter_id == content.recruiter_id,
                DigestMention.application_id.in_({a for a, _ in told}),
            )
        )
    }
    for (application_id, reason), finding in told.items():
        mention = mentions.get((application_id, reason)) or DigestMention(
            recruiter_id=content.recruiter_id,
            application_id=application_id,
            reason=reason,
        )
        mention.facts, mention.shown_on = finding.facts, content.local_date
        db.session.add(mention)


@dataclass(frozen=True)
class _OpenApplication:
    application: Application
    # When the cadence ended for good: the candidate stopped emails, or was told to
    # move on (and no interview came after). Standing reasons end there too.
    ended_at: datetime | None


def _open_applications(recruiter_id: int) -> dict[int, _OpenApplication]:
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
    rows = db.session.execute(
        _with_candidate(select(Application, moved_on_at, latest_interview))
        .where(
            Application.recruiter_id == recruiter_id,
            Application.status == ApplicationStatus.ACTIVE,
            Application.heard_back_at.is_(None),
        )
        .order_by(Application.decision_deadline, Application.id)
    ).all()
    return {
        a.id: _OpenApplication(a, _ended_at(a, moved_on, latest))
        for a, moved_on, latest in rows
    }


def _ended_at(
    application: Application, moved_on: datetime | None, latest: datetime | None
) -> datetime | None:
    ends = [application.emails_stopped_at, application.candidate.opted_out_at]
    if moved_on is not None and (latest is None or latest < moved_on):
        ends.append(moved_on)
    known = [end for end in ends if end is not None]
    return min(known) if known else None


def _with_candidate(query: Select[Any]) -> Select[Any]:
    return query.join(Application.candidate).options(
        contains_eager(Application.candidate)
    )


def _item(application: Application, choice: Choice) -> DigestItem:
    candidate: Candidate = application.candidate
    return DigestItem(
        application.id,
        candidate.display_name,
        role_phrase(application.job_title, application.employer_name),
        choice.detail,
        external_url("dashboard.application", application_id=application.id),
    )


def _offers(
    findings: _Findings,
    recruiter_id: int,
    today: date,
    open_applications: dict[int, _OpenApplication],
) -> None:
    offers = db.session.scalars(
        select(CompetingOffer)
        .join(Application, CompetingOffer.application_id == Application.id)
        .where(
            Application.recruiter_id == recruiter_id,
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
            known.application,
            Reason.OFFER,
            f"{offer.id}@{offer.offer_deadline}",
            f"offer{employer} ends {offer.offer_deadline:%a %d %b} "
            f"({_days_left(offer.offer_deadline, today)})",
        )


def _after_the_end(known: _OpenApplication, reported_at: datetime) -> bool:
    """True for an offer reported before the cadence ended: old news since then."""
    return known.ended_at is not None and reported_at <= known.ended_at


def _standing(
    findings: _Findings,
    open_applications: dict[int, _OpenApplication],
    at: datetime,
    zone: tzinfo,
) -> None:
    today = at.astimezone(zone).date()
    quiet_since = at - timedelta(days=firm_policy().digest.no_news_days)
    for known in open_applications.values():
        if known.ended_at is not None:
            continue  # told once when it ended; nothing standing after that
        application = known.application
        deadline = application.decision_deadline
        if deadline is not None and deadline < today:
            findings.add(
                application,
                Reason.OVERDUE,
                deadline.isoformat(),
                f"decision was due {deadline:%a %d %b} "
                f"({_count((today - deadline).days, 'day')} ago)",
            )
        last_news = application.source_updated_at
        if last_news is not None and last_news < quiet_since:
            findings.add(
                application,
                Reason.NO_NEWS,
                last_news.isoformat(),
                f"nothing from the employer since "
                f"{last_news.astimezone(zone):%a %d %b} "
                f"({_count((at - last_news).days, 'day')})",
            )


def _last_digest_or(recruiter_id: int, default: datetime) -> datetime:
    """When the recruiter's last digest was sent, or `default` before the first."""
    last: datetime | None = db.session.scalar(
        select(func.max(Digest.created_at)).where(
            Digest.recruiter_id == recruiter_id,
            Digest.status == DigestStatus.SENT,
        )
    )
    return last or default


def _sent_steps(
    findings: _Findings, recruiter_id: int, since: datetime, zone: tzinfo
) -> None:
    """Check-ins and move-ons sent since the last digest: told once."""
    rows = db.session.execute(
        _with_candidate(
            select(Application, OutboundEmail.id, OutboundEmail.template)
            .add_columns(OutboundEmail.sent_at)
            .join(OutboundEmail, OutboundEmail.application_id == Application.id)
        )
        .where(
            Application.recruiter_id == recruiter_id,
            OutboundEmail.template.in_(("check_in", "move_on")),
            OutboundEmail.status == EmailStatus.SENT,
            OutboundEmail.sent_at > since,
        )
        .order_by(OutboundEmail.sent_at, OutboundEmail.id)
    ).all()
    for application, email_id, template, sent_at in rows:
        day = f"{sent_at.astimezone(zone):%a %d %b}"
        if template == "check_in":
            detail, reason = f"check-in sent {day}", Reason.CHECK_IN
        else:
            detail = f"told to move on {day}: the coaching for this role ended"
            reason = Reason.MOVED_ON
        findings.add(application, reason, str(email_id), detail)


def _interviews(
    findings: _Findings,
    recruiter_id: int,
    today: date,
    period: timedelta,
    zone: tzinfo,
) -> None:
    start = datetime.combine(today, time(0), zone)
    rows = db.session.execute(
        _with_candidate(
            select(Application, Interview.id, Interview.starts_at).join(
                Interview, Interview.application_id == Application.id
            )
        )
        .where(
            Application.recruiter_id == recruiter_id,
            Interview.status != InterviewStatus.CANCELLED,
            Interview.starts_at >= start,
            Interview.starts_at < start + period,
        )
        .order_by(Interview.starts_at, Interview.id)
    ).all()
    shape = "%H:%M %Z" if period.days == 1 else "%a %d %b %H:%M %Z"
    for application, interview_id, starts_at in rows:
        findings.add(
            application,
            Reason.INTERVIEW,
            str(interview_id),
            f"interview at {starts_at.astimezone(zone):{shape}}",
        )


def _news(findings: _Findings, recruiter_id: int) -> list[int]:
    """News from candidates waiting for this digest; their ids, to mark them told."""
    rows = db.session.execute(
        _with_candidate(
            select(Alert, Application).join(
                Application, Alert.application_id == Application.id
            )
        )
        .where(
            Alert.recruiter_id == recruiter_id,
            Alert.urgent.is_(False),
            Alert.status == AlertStatus.FOR_DIGEST,
        )
        .order_by(Alert.created_at, Alert.id)
    ).all()
    for alert, application in rows:
        reason = Reason.STOPPED if alert.kind == "opted_out" else Reason.NEWS
        findings.add(application, reason, str(alert.id), alert.detail or alert.kind)
    return [alert.id for alert, _ in rows]


def _last_shown(
    recruiter_id: int, application_ids: set[int]
) -> dict[tuple[int, str], LastShown]:
    if not application_ids:
        return {}
    mentions = db.session.scalars(
        select(DigestMention).where(
            DigestMention.recruiter_id == recruiter_id,
            DigestMention.application_id.in_(application_ids),
        )
    )
    return {
        (m.application_id, m.reason): LastShown(m.facts, m.shown_on) for m in mentions
    }


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
