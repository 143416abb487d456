"""Rounds and the thank-you plan, on the pure core."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from plugin.cadence.rounds import HeldInterview, group_rounds, plan_thank_yous
from plugin.cadence.timing import in_quiet_hours

CHICAGO = ZoneInfo("America/Chicago")
QUIET = (time(21, 0), time(8, 0))


def test_interviews_ending_on_one_local_day_form_one_round():
    interviews = [
        HeldInterview(1, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),  # 10:00 Chicago
        HeldInterview(
            2, datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
        ),  # 21:00 Chicago, Dec 1
        HeldInterview(3, datetime(2026, 12, 3, 15, 0, tzinfo=UTC)),
    ]

    rounds = group_rounds(interviews, CHICAGO)

    assert [(r.local_date, r.interview_ids) for r in rounds] == [
        (date(2026, 12, 1), (1, 2)),
        (date(2026, 12, 3), (3,)),
    ]
    assert rounds[0].ends_at == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def test_thank_you_is_due_after_the_delay():
    rounds = group_rounds(
        [HeldInterview(1, datetime(2026, 12, 1, 21, 0, tzinfo=UTC))], CHICAGO
    )

    (plan,) = plan_thank_yous(rounds, CHICAGO, timedelta(minutes=60), *QUIET)

    assert plan.due_at == datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_thank_you_after_a_late_round_waits_for_the_morning():
    rounds = group_rounds(
        [HeldInterview(1, datetime(2026, 12, 2, 2, 30, tzinfo=UTC))], CHICAGO
    )  # 20:30 Chicago

    (plan,) = plan_thank_yous(rounds, CHICAGO, timedelta(minutes=60), *QUIET)

    assert plan.round_date == date(2026, 12, 1)
    assert plan.due_at == datetime(2026, 12, 2, 8, 0, tzinfo=CHICAGO)


@settings(max_examples=500, deadline=None)
@given(
    ends=st.lists(
        st.datetimes(
            min_value=datetime(2026, 1, 1),
            max_value=datetime(2027, 12, 31),
            timezones=st.just(UTC),
        ),
        min_size=1,
        max_size=8,
    ),
    delay=st.integers(min_value=0, max_value=600),
    zone=st.sampled_from(
        [
            "America/Chicago",
            "Europe/London",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
        ]
    ),
)
def test_every_round_gets_one_thank_you_never_early_never_in_quiet_hours(
    ends, delay, zone
):
    tz = ZoneInfo(zone)
    rounds = group_rounds([HeldInterview(i, end) for i, end in enumerate(ends)], tz)

    plans = plan_thank_yous(rounds, tz, timedelta(minutes=delay), *QUIET)

    assert [p.round_date for p in plans] == sorted(
        {e.astimezone(tz).date() for e in ends}
    )
    for plan, held in zip(plans, rounds, strict=True):
        assert plan.due_at >= held.ends_at + timedelta(minutes=delay)
        assert not in_quiet_hours(plan.due_at, tz, *QUIET)
