"""Zones and quiet hours, on the pure core."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from plugin.cadence.timing import candidate_zone, in_quiet_hours, out_of_quiet_hours

CHICAGO = ZoneInfo("America/Chicago")
QUIET = (time(21, 0), time(8, 0))


def test_zone_prefers_the_candidates_own():
    assert candidate_zone(
        "Europe/Berlin", "America/Chicago", [-360], "UTC"
    ) == ZoneInfo("Europe/Berlin")


def test_zone_falls_back_to_the_employers():
    assert candidate_zone(None, "America/Chicago", [-300], "UTC") == CHICAGO


def test_zone_falls_back_to_the_interviews_offset():
    assert candidate_zone(None, None, [None, -300], "UTC") == timezone(
        timedelta(hours=-5)
    )


def test_zone_falls_back_to_the_firm_default():
    assert candidate_zone(None, None, [], "Asia/Tokyo") == ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        ("20:59", False),
        ("21:00", True),
        ("23:30", True),
        ("03:00", True),
        ("07:59", True),
        ("08:00", False),
        ("12:00", False),
    ],
)
def test_quiet_hours_cross_midnight(local, quiet):
    instant = datetime.combine(
        datetime(2026, 12, 1).date(), time.fromisoformat(local), CHICAGO
    )
    assert in_quiet_hours(instant, CHICAGO, *QUIET) is quiet


def test_evening_instant_moves_to_next_morning():
    late = datetime(2026, 12, 1, 22, 30, tzinfo=CHICAGO)

    assert out_of_quiet_hours(late, CHICAGO, *QUIET) == datetime(
        2026, 12, 2, 8, 0, tzinfo=CHICAGO
    )


def test_early_morning_instant_moves_to_same_morning():
    early = datetime(2026, 12, 2, 5, 0, tzinfo=CHICAGO)

    assert out_of_quiet_hours(early, CHICAGO, *QUIET) == datetime(
        2026, 12, 2, 8, 0, tzinfo=CHICAGO
    )


def test_daytime_instant_is_unchanged():
    noon = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)

    assert out_of_quiet_hours(noon, CHICAGO, *QUIET) == noon


def test_quiet_hours_follow_daylight_saving_change():
    # The night clocks go back in Chicago (1 Nov 2026): 08:00 CST is 14:00 UTC.
    night = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 00:30 CDT

    woke = out_of_quiet_hours(night, CHICAGO, *QUIET)

    assert woke == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


def test_quiet_hours_within_one_day():
    lunch = (time(12, 0), time(13, 0))
    instant = datetime(2026, 12, 2, 12, 30, tzinfo=CHICAGO)

    assert out_of_quiet_hours(instant, CHICAGO, *lunch) == datetime(
        2026, 12, 2, 13, 0, tzinfo=CHICAGO
    )
