"""Small Greenhouse parts: the Link header, the policy's zone, Harvest time shapes."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from plugin.config.policy import PolicyError
from plugin.config.policy_file import policy_from_mapping
from webhooks.greenhouse.harvest import next_link
from webhooks.greenhouse.mapping import interview_times

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("header", "url"),
    [
        (
            '<https://h.example/v3/jobs?cursor=abc>; rel="next"',
            "https://h.example/v3/jobs?cursor=abc",
        ),
        (
            '<https://h.example/a>; rel="prev", <https://h.example/b>; rel="next"',
            "https://h.example/b",
        ),
        ("<https://h.example/b>; rel=next", "https://h.example/b"),
        ('<https://h.example/a>; rel="prev"', None),
        ("", None),
        (None, None),
        ("garbage", None),
    ],
)
def test_only_the_next_link_is_followed(header, url):
    assert next_link(header) == url


def test_a_timed_interview_is_shown_in_the_chosen_zone():
    starts, ends = interview_times(
        {"start_at": "2026-12-01T20:00:00.000Z", "end_at": "2026-12-01T21:00:00Z"},
        CHICAGO,
    )

    assert starts.isoformat() == "2026-12-01T14:00:00-06:00"
    assert ends.astimezone(UTC).hour == 21


def test_an_all_day_interview_spans_the_working_days_it_names():
    starts, ends = interview_times(
        {"all_day_start_on": "2026-12-03", "all_day_end_on": "2026-12-04"}, CHICAGO
    )

    assert (starts.isoformat(), ends.isoformat()) == (
        "2026-12-03T09:00:00-06:00",
        "2026-12-04T17:00:00-06:00",
    )


def test_an_interview_without_times_or_dates_has_none():
    assert interview_times({"status": "to_be_scheduled"}, CHICAGO) is None


def test_the_policy_refuses_an_unknown_greenhouse_zone():
    with pytest.raises(PolicyError, match="sources.greenhouse.timezone"):
        policy_from_mapping({"sources": {"greenhouse": {"timezone": "America"}}})

    chosen = policy_from_mapping(
        {"sources": {"greenhouse": {"timezone": "Asia/Tokyo"}}}
    )
    assert chosen.sources.greenhouse.timezone == "Asia/Tokyo"
