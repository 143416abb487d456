"""Rounds: one application's interviews that end on one local day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from plugin.cadence.rounds import group_rounds
from plugin.cadence.steps import InterviewFacts

CHICAGO = ZoneInfo("America/Chicago")


def test_interviews_ending_on_one_local_day_form_one_round():
    interviews = [
        InterviewFacts(1, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),  # 10:00 Chicago
        InterviewFacts(
            2, datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
        ),  # 21:00 Chicago, Dec 1
        InterviewFacts(3, datetime(2026, 12, 3, 15, 0, tzinfo=UTC)),
    ]

    rounds = group_rounds(interviews, CHICAGO)

    assert [(r.local_date, r.interview_ids) for r in rounds] == [
        (date(2026, 12, 1), (1, 2)),
        (date(2026, 12, 3), (3,)),
    ]
    assert rounds[0].ends_at == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def test_the_same_interviews_split_differently_in_another_zone():
    interviews = [
        InterviewFacts(1, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),
        InterviewFacts(2, datetime(2026, 12, 2, 3, 0, tzinfo=UTC)),
    ]

    assert len(group_rounds(interviews, ZoneInfo("Europe/London"))) == 2
