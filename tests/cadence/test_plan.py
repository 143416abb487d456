"""The cadence plan: four steps, in order, each at its polite time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from plugin.cadence.plan import plan_cadence
from plugin.cadence.steps import APPLICATION_SLOT, DoneStep, InterviewFacts, Step

from .facts import CHICAGO, POLICY, ROUND_ENDS, facts, policy

ROUND = "2026-12-01"


def times(plan):
    return {(s.step, s.slot): s.due_at for s in plan.steps}


def test_one_round_gets_all_four_steps_in_order():
    plan = plan_cadence(facts(decision_deadline=date(2026, 12, 8)), POLICY)

    assert times(plan) == {
        (Step.THANK_YOU, ROUND): datetime(2026, 12, 1, 16, 0, tzinfo=CHICAGO),
        (Step.HANDWRITTEN_NOTE, ROUND): datetime(2026, 12, 2, 16, 0, tzinfo=CHICAGO),
        # Deadline Dec 8 ends at midnight; three days later is Dec 12 00:00,
        # which is quiet time: 08:00 that morning.
        (Step.CHECK_IN, APPLICATION_SLOT): datetime(2026, 12, 12, 8, 0, tzinfo=CHICAGO),
        (Step.MOVE_ON, ROUND): datetime(2026, 12, 19, 8, 0, tzinfo=CHICAGO),
    }


def test_check_in_counts_from_the_end_of_the_deadline_in_the_employers_zone():
    # Deadline Dec 9 -> not before Dec 13 00:00 there.
    no_quiet_hours = policy(quiet_hours={"start": "00:00", "end": "00:00"})

    plan = plan_cadence(facts(decision_deadline=date(2026, 12, 9)), no_quiet_hours)

    assert times(plan)[(Step.CHECK_IN, APPLICATION_SLOT)] == datetime(
        2026, 12, 13, 0, 0, tzinfo=CHICAGO
    )


def test_business_days_skip_weekends_and_holidays():
    # Deadline Thu Dec 10; Fri 11, (weekend), Mon 14 is a holiday, Tue 15, Wed 16.
    rules = policy(business_days={"enabled": True, "holidays": ["2026-12-14"]})

    plan = plan_cadence(facts(decision_deadline=date(2026, 12, 10)), rules)

    assert times(plan)[(Step.CHECK_IN, APPLICATION_SLOT)] == datetime(
        2026, 12, 17, 8, 0, tzinfo=CHICAGO
    )


def test_business_days_move_a_weekend_threshold_to_monday():
    # Deadline Mon Dec 7: Tue, Wed, Thu -> Fri Dec 11 00:00 is already a business day.
    rules = policy(business_days={"enabled": True, "weekdays": [1, 2, 3, 4]})

    plan = plan_cadence(facts(decision_deadline=date(2026, 12, 7)), rules)

    # Mon-Thu only: Tue 8, Wed 9, Thu 10 -> next working day is Mon Dec 14.
    assert times(plan)[(Step.CHECK_IN, APPLICATION_SLOT)] == datetime(
        2026, 12, 14, 8, 0, tzinfo=CHICAGO
    )


def test_without_a_deadline_the_policy_default_stands_in():
    plan = plan_cadence(facts(), POLICY)

    check_in = plan.find(Step.CHECK_IN, APPLICATION_SLOT)
    # Last round Dec 1 + 7 days = Dec 8, so Dec 12 00:00, moved to 08:00.
    assert check_in.due_at == datetime(2026, 12, 12, 8, 0, tzinfo=CHICAGO)
    assert "no decision deadline was given" in check_in.reason


def test_a_deadline_before_the_latest_round_is_replaced_by_the_default():
    plan = plan_cadence(facts(decision_deadline=date(2026, 11, 20)), POLICY)

    check_in = plan.find(Step.CHECK_IN, APPLICATION_SLOT)
    assert check_in.due_at == datetime(2026, 12, 12, 8, 0, tzinfo=CHICAGO)
    assert "had passed before the latest round" in check_in.reason


def test_a_sent_check_in_is_never_planned_again_and_move_on_follows_it():
    sent_at = datetime(2026, 12, 12, 15, 0, tzinfo=UTC)
    history = (DoneStep(Step.CHECK_IN, APPLICATION_SLOT, sent_at),)

    plan = plan_cadence(facts(history=history), POLICY)

    assert plan.find(Step.CHECK_IN, APPLICATION_SLOT) is None
    assert plan.find(Step.MOVE_ON, ROUND).due_at == sent_at + timedelta(days=7)


def test_second_round_replans_thank_you_and_note_without_a_second_check_in():
    later = InterviewFacts(2, datetime(2026, 12, 10, 17, 0, tzinfo=UTC))
    history = (
        DoneStep(Step.THANK_YOU, ROUND, ROUND_ENDS),
        DoneStep(Step.CHECK_IN, APPLICATION_SLOT, ROUND_ENDS + timedelta(days=5)),
    )

    plan = plan_cadence(
        facts(interviews=(InterviewFacts(1, ROUND_ENDS), later), history=history),
        POLICY,
    )

    steps = {(s.step, s.slot) for s in plan.steps}
    assert (Step.THANK_YOU, "2026-12-10") in steps
    assert (Step.HANDWRITTEN_NOTE, "2026-12-10") in steps
    assert (Step.CHECK_IN, APPLICATION_SLOT) not in steps
    assert (Step.MOVE_ON, "2026-12-10") in steps


def test_move_on_closes_the_cadence_and_a_later_round_starts_a_new_one():
    history = (DoneStep(Step.MOVE_ON, ROUND, ROUND_ENDS + timedelta(days=18)),)
    later = InterviewFacts(2, datetime(2027, 1, 5, 17, 0, tzinfo=UTC))

    closed = plan_cadence(facts(history=history), POLICY)
    reopened = plan_cadence(
        facts(history=history, interviews=(InterviewFacts(1, ROUND_ENDS), later)),
        POLICY,
    )

    assert closed.steps == ()
    assert {s.slot for s in reopened.steps} == {"2027-01-05", APPLICATION_SLOT}


def test_note_is_skipped_for_a_remote_round_without_a_mailing_address():
    plan = plan_cadence(
        facts(
            interviews=(InterviewFacts(1, ROUND_ENDS, remote=True),),
            has_mailing_address=False,
        ),
        POLICY,
    )

    assert plan.find(Step.HANDWRITTEN_NOTE, ROUND) is None
    assert plan.skip_reason(Step.HANDWRITTEN_NOTE, ROUND) == (
        "a remote round, and no mailing address to send a card to"
    )


def test_note_can_be_switched_off_by_policy():
    plan = plan_cadence(facts(), policy(handwritten_note={"enabled": False}))

    assert (
        plan.skip_reason(Step.HANDWRITTEN_NOTE, ROUND)
        == "the firm's policy turns notes off"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": "hired"}, "the application is hired"),
        ({"status": "offer_extended"}, "the application is offer extended"),
        ({"heard_back": True}, "the candidate heard back from the employer"),
        ({"emails_stopped": True}, "the candidate stopped emails for this application"),
        ({"candidate_opted_out": True}, "the candidate opted out of all emails"),
        ({"paused": True}, "the candidate paused this application"),
    ],
)
def test_nothing_is_planned_after_a_stop(change, reason):
    plan = plan_cadence(facts(**change), POLICY)

    assert plan.steps == ()
    assert plan.stopped_reason == reason


def test_a_dated_pause_holds_steps_until_it_ends():
    until = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # noon in Chicago

    plan = plan_cadence(facts(paused=True, paused_until=until), POLICY)

    thank_you = plan.find(Step.THANK_YOU, ROUND)
    assert thank_you.due_at == until
    assert thank_you.planned_for == datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
