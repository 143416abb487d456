"""When a check-in becomes polite: the decision deadline plus some (business) days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from plugin.cadence.timing import first_real_instant
from plugin.config.policy import BusinessDaysPolicy, CheckInPolicy


@dataclass(frozen=True)
class Deadline:
    """The decision deadline the check-in counts from, and where it came from."""

    day: date
    stated: bool
    explanation: str


def effective_deadline(
    stated: date | None, last_round_day: date, policy: CheckInPolicy
) -> Deadline:
    """The stated deadline, or the policy's stand-in when none applies."""
    if stated is not None and stated >= last_round_day:
        return Deadline(
            stated, True, f"the employer's decision deadline, {stated:%B} {stated.day}"
        )
    assumed = last_round_day + timedelta(days=policy.default_deadline_days)
    why = (
        "the stated deadline had passed before the latest round"
        if stated is not None
        else "no decision deadline was given"
    )
    return Deadline(
        assumed,
        False,
        f"{why}, so we assume {policy.default_deadline_days} days "
        f"after the last interview ({assumed:%B} {assumed.day})",
    )


def check_in_threshold(
    deadline: date,
    employer_zone: tzinfo,
    check_in: CheckInPolicy,
    business_days: BusinessDaysPolicy,
) -> datetime:
    """The first instant a check-in may go: the deadline date's end, plus the days.

    Days count from the end of the deadline date in the employer's zone, so a
    Dec 9 deadline gives Dec 13 00:00 there. In business days, the count skips
    non-working days and holidays, and the instant moves to a working day's start.
    """
    if not business_days.enabled:
        day = deadline + timedelta(days=check_in.days_after_deadline + 1)
    else:
        day = _add_business_days(deadline, check_in.days_after_deadline, business_days)
        day = _next_business_day(day + timedelta(days=1), business_days)
    return first_real_instant(datetime.combine(day, time(0), tzinfo=employer_zone))


def _is_business_day(day: date, policy: BusinessDaysPolicy) -> bool:
    return day.isoweekday() in policy.weekdays and day not in policy.holidays


def _add_business_days(start: date, count: int, policy: BusinessDaysPolicy) -> date:
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if _is_business_day(day, policy):
            counted += 1
    return day


def _next_business_day(day: date, policy: BusinessDaysPolicy) -> date:
    while not _is_business_day(day, policy):
        day += timedelta(days=1)
    return day
