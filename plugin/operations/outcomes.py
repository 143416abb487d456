"""The etiquette's outcomes: did the coaching come on time, and how long employers
took to decide.

Three queries whatever the number of applications: the applications, their
interviews, and their thank-you and check-in steps with the emails that carried
them. The arithmetic runs here, on the rules of the cadence core.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import contains_eager

from plugin.cadence.deadlines import check_in_threshold, effective_deadline
from plugin.cadence.rounds import Round, group_rounds
from plugin.cadence.steps import InterviewFacts, Step
from plugin.cadence.timing import candidate_zone
from plugin.config import firm_policy
from plugin.config.policy import Policy
from plugin.extensions import db
from plugin.models import (
    Application,
    Candidate,
    Interview,
    OutboundEmail,
    Touchpoint,
    TouchpointStatus,
    User,
)
from plugin.operations.accounts import visible_applications

THANK_YOU_WINDOW = timedelta(hours=24)
DAY = timedelta(days=1)
# Bins of the time from interview to decision: (label, up to this many days).
DECISION_BINS: tuple[tuple[str, float], ...] = (
    ("3 days or less", 3),
    ("4 to 7 days", 7),
    ("8 to 14 days", 14),
    ("15 to 30 days", 30),
    ("over 30 days", float("inf")),
)


@dataclass(frozen=True)
class Share:
    """How many cases were counted, and how many met the rule."""

    counted: int
    met: int

    @property
    def percent(self) -> int | None:
        """The share as a whole percentage, or None when nothing was counted."""
        return round(100 * self.met / self.counted) if self.counted else None


@dataclass(frozen=True)
class DecisionTimes:
    """Days from the last interview to the employer's decision."""

    days: tuple[float, ...]

    @property
    def median(self) -> float | None:
        """The median in days, or None without a decision."""
        return statistics.median(self.days) if self.days else None

    @property
    def bins(self) -> list[tuple[str, int]]:
        """(label, count) for each bin of DECISION_BINS."""
        counts = [0] * len(DECISION_BINS)
        for days in self.days:
            index = next(i for i, (_, top) in enumerate(DECISION_BINS) if days <= top)
            counts[index] += 1
        return [(label, n) for (label, _), n in zip(DECISION_BINS, counts, strict=True)]


@dataclass(frozen=True)
class Outcomes:
    """The three measures of the outcomes page."""

    thank_you_on_time: Share
    check_in_after_deadline: Share
    decision_times: DecisionTimes
    days_after_deadline: int


@dataclass(frozen=True)
class _Case:
    """One application with what the measures need, loaded once."""

    application: Application
    rounds: list[Round]
    candidate_zone: tzinfo
    employer_zone: tzinfo


@dataclass(frozen=True)
class Period:
    """Interview days, in the reader's zone, from `since` to `until` inclusive.

    Either end may be open; with both open, every application counts.
    """

    since: date | None = None
    until: date | None = None

    def interviewed_in(self, zone: tzinfo) -> Any:
        """Applications with an interview that began within the period, or None."""
        if self.since is None and self.until is None:
            return None
        began = []
        if self.since is not None:
            began.append(Interview.starts_at >= _midnight(self.since, zone))
        if self.until is not None:
            next_day = self.until + timedelta(days=1)
            began.append(Interview.starts_at < _midnight(next_day, zone))
        return exists().where(Interview.application_id == Application.id, *began)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def etiquette_outcomes(
    user: User,
    recruiter_id: int | None = None,
    period: Period | None = None,
    zone: tzinfo = UTC,
) -> Outcomes:
    """The outcomes over every application `user` may see (three queries).

    With a `period`, only applications interviewed within it, read in `zone`.
    """
    policy = firm_policy()
    scope = visible_applications(user)
    if recruiter_id is not None:
        scope = scope.where(Application.recruiter_id == recruiter_id)
    interviewed = (period or Period()).interviewed_in(zone)
    if interviewed is not None:
        scope = scope.where(interviewed)
    cases = _cases(scope, policy)
    steps = _coaching_steps(scope)
    return Outcomes(
        thank_you_on_time=_thank_you_share(cases, steps),
        check_in_after_deadline=_check_in_share(cases, steps, policy),
        decision_times=_decision_times(cases.values()),
        days_after_deadline=policy.check_in.days_after_deadline,
    )


def _cases(scope: Select[tuple[Application]], policy: Policy) -> dict[int, _Case]:
    applications = db.session.scalars(
        scope.join(Candidate, Application.candidate_id == Candidate.id).options(
            contains_eager(Application.candidate)
        )
    ).all()
    ids = scope.with_only_columns(Application.id).scalar_subquery()
    interviews: dict[int, list[Interview]] = {}
    for interview in db.session.scalars(
        select(Interview).where(Interview.application_id.in_(ids))
    ):
        interviews.setdefault(interview.application_id, []).append(interview)
    return {a.id: _case(a, interviews.get(a.id, []), policy) for a in applications}


def _case(
    application: Application, interviews: list[Interview], policy: Policy
) -> _Case:
    held = [i for i in interviews if i.is_held and i.ends_at is not None]
    zone = candidate_zone(
        application.candidate.timezone,
        application.employer_timezone,
        (i.utc_offset_minutes for i in held),
        policy.firm.timezone,
    )
    facts = [InterviewFacts(i.id, i.ends_at, i.is_remote) for i in held if i.ends_at]
    employer = (
        ZoneInfo(application.employer_timezone)
        if application.employer_timezone
        else zone
    )
    return _Case(application, group_rounds(facts, zone), zone, employer)


def _coaching_steps(
    scope: Select[tuple[Application]],
) -> list[tuple[Touchpoint, datetime | None]]:
    """Thank-you and check-in steps that came due, with when their email went."""
    ids = scope.with_only_columns(Application.id).scalar_subquery()
    rows = db.session.execute(
        select(Touchpoint, OutboundEmail.sent_at)
        .outerjoin(OutboundEmail, OutboundEmail.touchpoint_id == Touchpoint.id)
        .where(
            Touchpoint.application_id.in_(ids),
            Touchpoint.step.in_((Step.THANK_YOU, Step.CHECK_IN)),
            Touchpoint.status.in_((TouchpointStatus.SENT, TouchpointStatus.SKIPPED)),
        )
        .order_by(Touchpoint.id)
    ).all()
    return [(touchpoint, sent_at) for touchpoint, sent_at in rows]


def _thank_you_share(
    cases: dict[int, _Case], steps: Sequence[tuple[Touchpoint, datetime | None]]
) -> Share:
    """Rounds whose thank-you came due, and those sent within 24 h of the round."""
    counted = met = 0
    for touchpoint, sent_at in steps:
        case = cases.get(touchpoint.application_id)
        if touchpoint.step != Step.THANK_YOU or case is None:
            continue
        ended = _round_end(case.rounds, touchpoint.slot)
        if ended is None:  # the round's interviews were cancelled since
            continue
        counted += 1
        if touchpoint.status == TouchpointStatus.SENT and sent_at is not None:
            met += sent_at - ended <= THANK_YOU_WINDOW
    return Share(counted, met)


def _check_in_share(
    cases: dict[int, _Case],
    steps: Sequence[tuple[Touchpoint, datetime | None]],
    policy: Policy,
) -> Share:
    """Check-ins sent, and those sent no earlier than the deadline plus the days."""
    counted = met = 0
    for touchpoint, sent_at in steps:
        case = cases.get(touchpoint.application_id)
        if touchpoint.step != Step.CHECK_IN or sent_at is None or case is None:
            continue
        before = [r for r in case.rounds if r.ends_at <= sent_at]
        if not before:
            continue
        counted += 1
        deadline = effective_deadline(
            case.application.decision_deadline, before[-1].local_date, policy.check_in
        )
        earliest = check_in_threshold(
            deadline.day, case.employer_zone, policy.check_in, policy.business_days
        )
        met += sent_at >= earliest
    return Share(counted, met)


def _decision_times(cases: Iterable[_Case]) -> DecisionTimes:
    """Days from the last interview before it to the decision, per application."""
    days = []
    for case in cases:
        decided = case.application.decided_at or case.application.heard_back_at
        if decided is None:
            continue
        before = [r.ends_at for r in case.rounds if r.ends_at <= decided]
        if before:
            days.append((decided - before[-1]) / DAY)
    return DecisionTimes(tuple(sorted(days)))


def _round_end(rounds: list[Round], slot: str) -> datetime | None:
    return next((r.ends_at for r in rounds if r.local_date.isoformat() == slot), None)
