"""The send-time decision: still wanted, still useful, and polite right now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from plugin.cadence.send import Action, decide_send
from plugin.cadence.steps import APPLICATION_SLOT, Step

from .facts import CHICAGO, POLICY, facts

ROUND = "2026-12-01"
DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def decide(step=Step.THANK_YOU, slot=ROUND, at=DUE, last=None, **changes):
    return decide_send(step, slot, facts(**changes), POLICY, at, last)


def test_due_step_is_sent():
    assert decide().action == Action.SEND


def test_a_thank_you_days_late_is_skipped_never_sent():
    decision = decide(at=DUE + timedelta(hours=31))

    assert decision.action == Action.SKIP
    assert decision.reason == "too late to help: more than 30 hours past its time"


def test_quiet_hours_defer_to_the_morning():
    night = datetime(2026, 12, 1, 22, 30, tzinfo=CHICAGO)

    decision = decide(at=night)

    assert decision.action == Action.DEFER
    assert decision.until == datetime(2026, 12, 2, 8, 0, tzinfo=CHICAGO)


def test_spacing_defers_a_second_coaching_email():
    decision = decide(last=DUE - timedelta(hours=2))

    assert decision.action == Action.DEFER
    assert decision.reason == "another coaching email went out recently"
    assert decision.until == DUE + timedelta(hours=16)


def test_a_decision_since_planning_skips_the_step():
    decision = decide(status="rejected")

    assert (decision.action, decision.reason) == (
        Action.SKIP,
        "the application is rejected",
    )


def test_a_later_deadline_defers_the_check_in():
    early = datetime(2026, 12, 12, 14, 0, tzinfo=UTC)

    decision = decide(
        Step.CHECK_IN, APPLICATION_SLOT, at=early, decision_deadline=date(2026, 12, 20)
    )

    assert decision.action == Action.DEFER
    assert decision.until == datetime(2026, 12, 24, 8, 0, tzinfo=CHICAGO)


def test_a_step_whose_round_was_cancelled_is_skipped():
    decision = decide(interviews=())

    assert decision.action == Action.SKIP
    assert decision.reason == "the step is no longer part of the plan"
