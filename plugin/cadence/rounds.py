"""Rounds: the interviews of one application that end on one local day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from plugin.cadence.steps import InterviewFacts


@dataclass(frozen=True)
class Round:
    """One panel day: the interviews, and when the last of them ends."""

    local_date: date
    interview_ids: tuple[int, ...]
    ends_at: datetime


def group_rounds(interviews: Iterable[InterviewFacts], zone: tzinfo) -> list[Round]:
    """Group interviews by the calendar day, in `zone`, on which each ends."""
    by_day: dict[date, list[InterviewFacts]] = {}
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
