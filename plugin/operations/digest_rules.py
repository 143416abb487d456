"""Which applications a digest shows, and under which reason: the rules alone.

No database here. The digest's queries turn into findings (an application, a reason,
the facts behind it); these rules compare them with what the recruiter was last told
and keep, per application, one item under its most urgent reason. docs/digest.md
explains the same rules to recruiters and operators.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date


class Reason(enum.StrEnum):
    """Why an application is in the digest, most urgent first (its section's key)."""

    # Act today: another employer waits, the candidate has news, the employer is late.
    OFFER = "offers"
    NEWS = "news"
    STOPPED = "stopped"
    OVERDUE = "overdue"
    INTERVIEW = "interviews"
    # Good to know: the cadence moved on, and where things are quiet.
    MOVED_ON = "moved_on"
    CHECK_IN = "check_ins"
    NO_NEWS = "no_news"
    # Only in an admin's digest: nobody else looks after these.
    UNASSIGNED = "unassigned"


SECTION_TITLES = {
    Reason.OFFER: "Competing offers",
    Reason.NEWS: "News from candidates",
    Reason.STOPPED: "Stopped coaching emails",
    Reason.OVERDUE: "Employer decisions overdue",
    Reason.INTERVIEW: "Interviews",
    Reason.MOVED_ON: "Reached move-on",
    Reason.CHECK_IN: "Check-ins sent",
    Reason.NO_NEWS: "No news from the employer for a while",
    Reason.UNASSIGNED: "Unassigned: no recruiter, or theirs is disabled",
}

URGENCY = {reason: rank for rank, reason in enumerate(Reason)}

# Conditions that last for days. Unchanged, they come back on the slower rhythm; every
# other reason is an event, told once.
STANDING = frozenset({Reason.OFFER, Reason.OVERDUE, Reason.NO_NEWS, Reason.UNASSIGNED})


@dataclass(frozen=True)
class Finding:
    """One reason an application could be in today's digest."""

    application_id: int
    reason: Reason
    facts: str  # ids and dates that make it true: a change in them is news
    detail: str  # what the recruiter reads


@dataclass(frozen=True)
class LastShown:
    """What the recruiter was last told for one application and reason."""

    facts: str
    shown_on: date


@dataclass(frozen=True)
class Choice:
    """One application in the digest: its most urgent finding, then the others."""

    primary: Finding
    others: tuple[Finding, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding the item tells, the primary one first."""
        return (self.primary, *self.others)

    @property
    def detail(self) -> str:
        """The item's line: the primary reason, then the others in brief."""
        if not self.others:
            return self.primary.detail
        rest = "; ".join(f.detail for f in self.others)
        return f"{self.primary.detail}; also {rest}"


def worth_telling(
    finding: Finding, last: LastShown | None, today: date, repeat_after_days: int
) -> bool:
    """True when the finding is new, changed, or a standing one due a reminder."""
    if last is None or last.facts != finding.facts:
        return True
    if last.shown_on == today:
        return True  # today's digest, read again (on the dashboard, say)
    waited = (today - last.shown_on).days
    return finding.reason in STANDING and waited >= repeat_after_days


def choose(
    findings: Iterable[Finding],
    last_shown: Mapping[tuple[int, str], LastShown],
    today: date,
    repeat_after_days: int,
) -> list[Choice]:
    """One choice per application with something worth telling.

    `findings` hold one finding per application and reason; within a reason they come
    in the order the recruiter should read them, and choices keep that order.
    """
    by_application: dict[int, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: URGENCY[f.reason]):
        by_application.setdefault(finding.application_id, []).append(finding)
    choices = []
    for application_id, found in by_application.items():
        if any(
            worth_telling(
                f, last_shown.get((application_id, f.reason)), today, repeat_after_days
            )
            for f in found
        ):
            choices.append(Choice(found[0], tuple(found[1:])))
    return choices
