"""Plan the cadence: which steps an application should get, and when.

The plan is recomputed from the facts whenever they change, and again at send time,
so a step whose reason to exist has gone is never sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from plugin.cadence.deadlines import check_in_threshold, effective_deadline
from plugin.cadence.rounds import Round, group_rounds
from plugin.cadence.steps import (
    APPLICATION_SLOT,
    ApplicationFacts,
    Plan,
    PlannedStep,
    SkippedStep,
    Step,
)
from plugin.cadence.timing import out_of_quiet_hours
from plugin.config.policy import Policy

STALE_AFTER_HOURS = {
    Step.THANK_YOU: lambda p: p.thank_you.stale_after_hours,
    Step.HANDWRITTEN_NOTE: lambda p: p.handwritten_note.stale_after_hours,
    Step.CHECK_IN: lambda p: p.check_in.stale_after_hours,
    Step.MOVE_ON: lambda p: p.move_on.stale_after_hours,
}


def stale_after(step: Step, policy: Policy) -> timedelta:
    """How long after its ideal time a step stops being worth sending."""
    return timedelta(hours=STALE_AFTER_HOURS[step](policy))


def stop_reason(facts: ApplicationFacts) -> str | None:
    """Why nothing at all may be planned for this application now, if so."""
    if facts.candidate_opted_out:
        return "the candidate opted out of all emails"
    if facts.status != "active":
        return f"the application is {facts.status.replace('_', ' ')}"
    if facts.heard_back:
        return "the candidate heard back from the employer"
    if facts.emails_stopped:
        return "the candidate stopped emails for this application"
    if facts.paused and facts.paused_until is None:
        return "the candidate paused this application"
    return None


def plan_cadence(facts: ApplicationFacts, policy: Policy) -> Plan:
    """Every step the application should get from now on, and every step declined."""
    reason = stop_reason(facts)
    if reason:
        return Plan(stopped_reason=reason)
    rounds = _open_rounds(facts)
    if not rounds:
        return Plan()
    steps: list[PlannedStep] = []
    skipped: list[SkippedStep] = []
    for held in rounds:
        thank_you = _thank_you(held, facts, policy)
        steps.append(thank_you)
        note = _handwritten_note(held, thank_you, facts, policy)
        if isinstance(note, PlannedStep):
            steps.append(note)
        else:
            skipped.append(note)
    steps.extend(_check_in_and_move_on(rounds[-1], facts, policy))
    done = {(d.step, d.slot) for d in facts.history}
    return Plan(
        steps=tuple(
            _after_pause(s, facts, policy)
            for s in steps
            if (s.step, s.slot) not in done
        ),
        skipped=tuple(s for s in skipped if (s.step, s.slot) not in done),
    )


def _open_rounds(facts: ApplicationFacts) -> list[Round]:
    """Rounds of the current cadence: a settled move-on closes the ones before it."""
    rounds = group_rounds(facts.interviews, facts.candidate_zone)
    closed = [
        date.fromisoformat(d.slot) for d in facts.history if d.step == Step.MOVE_ON
    ]
    if not closed:
        return rounds
    return [r for r in rounds if r.local_date > max(closed)]


def _quiet(instant: datetime, facts: ApplicationFacts, policy: Policy) -> datetime:
    hours = policy.quiet_hours
    return out_of_quiet_hours(instant, facts.candidate_zone, hours.start, hours.end)


def _thank_you(held: Round, facts: ApplicationFacts, policy: Policy) -> PlannedStep:
    ideal = _quiet(
        held.ends_at + timedelta(minutes=policy.thank_you.delay_minutes), facts, policy
    )
    return PlannedStep(
        Step.THANK_YOU,
        held.local_date.isoformat(),
        ideal,
        ideal,
        "after the round's last interview",
    )


def _handwritten_note(
    held: Round, thank_you: PlannedStep, facts: ApplicationFacts, policy: Policy
) -> PlannedStep | SkippedStep:
    slot = held.local_date.isoformat()
    if not policy.handwritten_note.enabled:
        return SkippedStep(
            Step.HANDWRITTEN_NOTE, slot, "the firm's policy turns notes off"
        )
    remote = all(
        i.remote for i in facts.interviews if i.interview_id in held.interview_ids
    )
    if remote and not facts.has_mailing_address:
        return SkippedStep(
            Step.HANDWRITTEN_NOTE,
            slot,
            "a remote round, and no mailing address to send a card to",
        )
    ideal = _quiet(
        thank_you.planned_for + timedelta(hours=policy.handwritten_note.delay_hours),
        facts,
        policy,
    )
    return PlannedStep(
        Step.HANDWRITTEN_NOTE, slot, ideal, ideal, "a day after the thank-you"
    )


def _check_in_and_move_on(
    last: Round, facts: ApplicationFacts, policy: Policy
) -> list[PlannedStep]:
    deadline = effective_deadline(
        facts.decision_deadline, last.local_date, policy.check_in
    )
    threshold = _quiet(
        check_in_threshold(
            deadline.day, facts.employer_zone, policy.check_in, policy.business_days
        ),
        facts,
        policy,
    )
    steps = []
    sent_check_in = next(
        (d for d in facts.history if d.step == Step.CHECK_IN and d.sent), None
    )
    if sent_check_in is not None and sent_check_in.at >= last.ends_at:
        base = sent_check_in.at  # this cadence's check-in went out: count from it
    else:
        base = threshold
        reason = (
            f"{policy.check_in.days_after_deadline} days after {deadline.explanation}"
        )
        steps.append(
            PlannedStep(Step.CHECK_IN, APPLICATION_SLOT, threshold, threshold, reason)
        )
    move_on = _quiet(
        base + timedelta(days=policy.move_on.days_after_check_in), facts, policy
    )
    steps.append(
        PlannedStep(
            Step.MOVE_ON,
            last.local_date.isoformat(),
            move_on,
            move_on,
            "no news a while after the check-in",
        )
    )
    return steps


def _after_pause(
    step: PlannedStep, facts: ApplicationFacts, policy: Policy
) -> PlannedStep:
    """Hold a step until a dated pause ends; its ideal time (and staleness) stay put."""
    if facts.paused_until is None or facts.paused_until <= step.due_at:
        return step
    resume = _quiet(facts.paused_until, facts, policy)
    return PlannedStep(
        step.step,
        step.slot,
        step.planned_for,
        resume,
        f"{step.reason}; held until the pause ends",
    )
