"""Invariants of the core over random event sequences and clocks (hypothesis).

Each runs 500 examples against the pure core; see `simulation.py` for the world.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

from hypothesis import given, settings

from plugin.cadence.deadlines import effective_deadline
from plugin.cadence.rounds import group_rounds
from plugin.cadence.steps import Step
from plugin.cadence.timing import in_quiet_hours
from plugin.config.policy import Policy

from .simulation import threshold, worlds

POLICY = Policy()
EXAMPLES = settings(max_examples=500, deadline=None)


@EXAMPLES
@given(worlds(POLICY))
def test_nothing_is_sent_after_a_decision_an_opt_out_or_a_pause(world):
    for sent in world.sent:
        facts = sent.facts
        assert facts.status == "active"
        assert not (
            facts.heard_back or facts.emails_stopped or facts.candidate_opted_out
        )
        assert not facts.paused or (
            facts.paused_until is not None and facts.paused_until <= sent.at
        )


@EXAMPLES
@given(worlds(POLICY))
def test_each_step_is_sent_at_most_once_per_round(world):
    counts = Counter((s.app, s.step, s.slot) for s in world.sent)

    assert all(count == 1 for count in counts.values())


@EXAMPLES
@given(worlds(POLICY))
def test_check_in_at_most_once_and_never_before_deadline_plus_three_days(world):
    check_ins = [s for s in world.sent if s.step == Step.CHECK_IN]

    assert all(count <= 1 for count in Counter(s.app for s in check_ins).values())
    for sent in check_ins:
        facts = sent.facts
        last_round = group_rounds(facts.interviews, facts.candidate_zone)[-1]
        deadline = effective_deadline(
            facts.decision_deadline, last_round.local_date, POLICY.check_in
        )
        assert sent.at >= threshold(deadline.day, facts.employer_zone)
        if facts.decision_deadline is not None:
            assert sent.at >= threshold(facts.decision_deadline, facts.employer_zone)


@EXAMPLES
@given(worlds(POLICY))
def test_spacing_and_quiet_hours_are_always_respected(world):
    spacing = timedelta(hours=POLICY.spacing.min_hours)
    moments = sorted(s.at for s in world.sent)

    assert all(
        later - earlier >= spacing for earlier, later in itertools.pairwise(moments)
    )
    for sent in world.sent:
        assert not in_quiet_hours(
            sent.at,
            sent.facts.candidate_zone,
            POLICY.quiet_hours.start,
            POLICY.quiet_hours.end,
        )


@EXAMPLES
@given(worlds(POLICY))
def test_nothing_is_sent_past_its_staleness_limit(world):
    limits = {
        Step.THANK_YOU: POLICY.thank_you.stale_after_hours,
        Step.HANDWRITTEN_NOTE: POLICY.handwritten_note.stale_after_hours,
        Step.CHECK_IN: POLICY.check_in.stale_after_hours,
        Step.MOVE_ON: POLICY.move_on.stale_after_hours,
    }
    for sent in world.sent:
        assert sent.at <= sent.planned_for + timedelta(hours=limits[sent.step])
        if sent.step == Step.THANK_YOU:
            # However it was shifted, a thank-you goes within ~2 days of the round.
            round_end = max(
                i.ends_at
                for i in sent.facts.interviews
                if i.ends_at.astimezone(sent.facts.candidate_zone).date().isoformat()
                == sent.slot
            )
            assert sent.at - round_end <= timedelta(hours=1 + 11 + 30)
