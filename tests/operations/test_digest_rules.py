"""The digest's rules on their own: one item per application, repeats on a rhythm."""

from __future__ import annotations

from datetime import date, timedelta

from plugin.operations.digest_rules import (
    Finding,
    LastShown,
    Reason,
    choose,
    worth_telling,
)

TODAY = date(2026, 12, 10)
WEEK = 7


def shown(days_ago: int, facts: str) -> LastShown:
    return LastShown(facts, TODAY - timedelta(days=days_ago))


def test_an_application_appears_once_under_its_most_urgent_reason():
    findings = [
        Finding(1, Reason.NO_NEWS, "2026-11-20", "nothing since Fri 20 Nov"),
        Finding(1, Reason.OVERDUE, "2026-12-08", "decision was due Tue 08 Dec"),
        Finding(1, Reason.OFFER, "5@2026-12-20", "offer ends Sun 20 Dec"),
        Finding(2, Reason.CHECK_IN, "44", "check-in sent Wed 09 Dec"),
    ]

    (first, second) = choose(findings, {}, TODAY, WEEK)

    assert first.primary.reason == Reason.OFFER
    assert [f.reason for f in first.others] == [Reason.OVERDUE, Reason.NO_NEWS]
    assert first.detail == (
        "offer ends Sun 20 Dec; "
        "also decision was due Tue 08 Dec; nothing since Fri 20 Nov"
    )
    assert second.primary.reason == Reason.CHECK_IN and second.others == ()


def test_unchanged_standing_reasons_wait_for_the_rhythm():
    overdue = Finding(1, Reason.OVERDUE, "2026-12-08", "decision was due Tue 08 Dec")

    assert not worth_telling(overdue, shown(1, "2026-12-08"), TODAY, WEEK)
    assert not worth_telling(overdue, shown(6, "2026-12-08"), TODAY, WEEK)
    assert worth_telling(overdue, shown(7, "2026-12-08"), TODAY, WEEK)
    # New facts are news at once: the employer moved the deadline.
    assert worth_telling(overdue, shown(1, "2026-12-01"), TODAY, WEEK)


def test_events_are_told_once_and_never_repeated():
    moved_on = Finding(1, Reason.MOVED_ON, "71", "told to move on")
    stopped = Finding(1, Reason.STOPPED, "9", "stopped coaching emails")

    assert worth_telling(moved_on, None, TODAY, WEEK)
    assert not worth_telling(moved_on, shown(30, "71"), TODAY, WEEK)
    assert not worth_telling(stopped, shown(60, "9"), TODAY, WEEK)


def test_the_same_day_reads_the_same_digest_again():
    overdue = Finding(1, Reason.OVERDUE, "2026-12-08", "decision was due Tue 08 Dec")

    assert worth_telling(overdue, shown(0, "2026-12-08"), TODAY, WEEK)


def test_nothing_new_means_the_application_is_left_out():
    findings = [
        Finding(1, Reason.OVERDUE, "2026-12-08", "decision was due Tue 08 Dec"),
        Finding(1, Reason.NO_NEWS, "2026-11-20", "nothing since Fri 20 Nov"),
    ]
    last = {
        (1, "overdue"): shown(3, "2026-12-08"),
        (1, "no_news"): shown(3, "2026-11-20"),
    }

    assert choose(findings, last, TODAY, WEEK) == []
    # One new reason brings the whole application back, once, with all its reasons.
    check_in = Finding(1, Reason.CHECK_IN, "44", "check-in sent Wed 09 Dec")
    (choice,) = choose([*findings, check_in], last, TODAY, WEEK)
    assert choice.primary.reason == Reason.OVERDUE
    assert len(choice.findings) == 3
