"""Rounds: the interviews of one application that end on one local day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .timing import out_of_quiet_hours


@dataclass(frozen=True)
class HeldInterview:
    """The facts about one (not cancelled) interview that planning needs."""

    interview_id: int
    ends_at: datetime


@dataclass(frozen=True)
class Round:
    """One panel day: the interviews, and when the last of them ends."""

    local_date: date
    interview_ids: tuple[int, ...]
    ends_at: datetime


@dataclass(frozen=True)
class PlannedThankYou:
    """A thank-you step the core wants for one round."""

    round_date: date
    due_at: datetime


def group_rounds(interviews: Iterable[HeldInterview], zone: tzinfo) -> list[Round]:
    """Group interviews by the calendar day, in `zone`, on which each ends."""
    by_day: dict[date, list[HeldInterview]] = {}
    for interview in interviews:
        by_day.setdefault(interview.ends_at.astimezone(zone).date(), []).append(
            interview
        )
    return [
        Round(
            local_date=day,
            interview_ids=tuple(sorted(i.interview_id for i in members)),
            ends_at=max(i.ends_at for i in members),
        )
        for day, members in sorted(by_day.items())
    ]


def plan_thank_yous(
    rounds: Sequence[Round],
    zone: tzinfo,
    delay: timedelta,
    quiet_start: time,
    quiet_end: time,
) -> list[PlannedThankYou]:
    """One thank-you per round, `delay` after it ends, outside quiet hours."""
    return [
        PlannedThankYou(
            round_date=r.local_date,
            due_at=out_of_quiet_hours(r.ends_at + delay, zone, quiet_start, quiet_end),
        )
        for r in rounds
    ]
