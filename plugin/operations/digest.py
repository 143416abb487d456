"""The recruiter's digest: who needs action, each application once, most urgent first.

`digest_findings` finds every reason an application could be listed; the rules in
`digest_rules` keep what is new, changed or due a reminder. Building one costs a fixed
number of queries, however many applications the recruiter has (a test counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from plugin.config import firm_policy
from plugin.extensions import db
from plugin.mail.coaching import role_phrase
from plugin.mail.links import external_url
from plugin.models import (
    Application,
    ApplicationStatus,
    Digest,
    DigestFrequency,
    DigestMention,
    DigestStatus,
    Recruiter,
)
from plugin.operations.accounts import disabled_staff_emails, is_enabled_admin
from plugin.operations.digest_findings import Scope, Who, find_everything
from plugin.operations.digest_rules import (
    SECTION_TITLES,
    Choice,
    Finding,
    LastShown,
    Reason,
    choose,
    worth_telling,
)

SECTIONS = tuple((reason.value, SECTION_TITLES[reason]) for reason in Reason)
# A weekly digest comes on Mondays (date.weekday() 0), in the recruiter's zone.
WEEKLY_ON = 0


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
    enabled = func.lower(Recruiter.email).not_in(disabled_staff_emails())
    for recruiter in db.session.scalars(select(Recruiter).where(enabled)):
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
    policy = firm_policy().digest
    since = _last_digest_before(recruiter.id, today, at - period)
    findings = find_everything(
        Scope(recruiter.id, at, zone, period, since, policy.no_news_days)
    )
    content.news_alert_ids = findings.news_alert_ids
    # Older mentions cannot hold anything back: a standing reason is due again by
    # then, and events come from windows no longer than the period.
    repeat_after = policy.repeat_unchanged_after_days
    horizon = today - timedelta(days=max(repeat_after, 7))
    last_shown = _last_shown(recruiter.id, horizon)
    for choice in choose(findings.found.values(), last_shown, today, repeat_after):
        who = findings.who[choice.primary.application_id]
        key = choice.primary.reason.value
        content.sections.setdefault(key, []).append(_item(who, choice))
        content.told.extend(choice.findings)
    if is_enabled_admin(recruiter):
        for finding, item in _unassigned():
            last = last_shown.get((finding.application_id, finding.reason.value))
            if worth_telling(finding, last, today, repeat_after):
                content.sections.setdefault(finding.reason.value, []).append(item)
                content.told.append(finding)
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


def _item(who: Who, choice: Choice) -> DigestItem:
    return DigestItem(
        who.application_id,
        who.candidate,
        who.role,
        choice.detail,
        external_url("dashboard.application", application_id=who.application_id),
    )


def _unassigned() -> list[tuple[Finding, DigestItem]]:
    """Open applications with no recruiter, or one who is disabled.

    Unchanged, each comes back on the same slower rhythm as other standing reasons;
    a change of recruiter is news.
    """
    rows = db.session.execute(
        select(Application, Recruiter.id, Recruiter.email)
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
    unassigned = []
    for application, recruiter_id, email in rows:
        detail = f"recruiter {email} is disabled" if email else "no recruiter"
        facts = f"recruiter:{recruiter_id}" if recruiter_id else "no recruiter"
        unassigned.append(
            (
                Finding(application.id, Reason.UNASSIGNED, facts, detail),
                DigestItem(
                    application.id,
                    application.candidate.display_name,
                    role_phrase(application.job_title, application.employer_name),
                    detail,
                    external_url(
                        "dashboard.application", application_id=application.id
                    ),
                ),
            )
        )
    return unassigned


def _last_digest_before(recruiter_id: int, today: date, default: datetime) -> datetime:
    """When the last digest before today was made, or `default` before the first.

    Not today's own: read again later the same day, a digest covers the same events.
    """
    last: datetime | None = db.session.scalar(
        select(func.max(Digest.created_at)).where(
            Digest.recruiter_id == recruiter_id,
            Digest.status == DigestStatus.SENT,
            Digest.local_date < today,
        )
    )
    return last or default


def _last_shown(recruiter_id: int, horizon: date) -> dict[tuple[int, str], LastShown]:
    """What the recruiter was told on or after `horizon`, per application and reason."""
    mentions = db.session.execute(
        select(
            DigestMention.application_id,
            DigestMention.reason,
            DigestMention.facts,
            DigestMention.shown_on,
        ).where(
            DigestMention.recruiter_id == recruiter_id,
            DigestMention.shown_on >= horizon,
        )
    )
    return {
        (m.application_id, m.reason): LastShown(m.facts, m.shown_on) for m in mentions
    }
