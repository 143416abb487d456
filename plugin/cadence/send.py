"""The send-time check: is this step still wanted, still useful, and polite now?"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from plugin.cadence.plan import plan_cadence, stale_after
from plugin.cadence.steps import ApplicationFacts, Step
from plugin.cadence.timing import in_quiet_hours, out_of_quiet_hours
from plugin.config.policy import Policy


class Action(enum.StrEnum):
    """What the delivery does with a due step."""

    SEND = "send"
    SKIP = "skip"
    DEFER = "defer"


@dataclass(frozen=True)
class SendDecision:
    """The answer, with the reason a person reads in the timeline."""

    action: Action
    reason: str | None = None
    until: datetime | None = None


def decide_send(
    step: Step,
    slot: str,
    facts: ApplicationFacts,
    policy: Policy,
    now: datetime,
    last_coaching_at: datetime | None,
) -> SendDecision:
    """Re-check every rule for one coaching step at the moment of sending."""
    plan = plan_cadence(facts, policy)
    planned = plan.find(step, slot)
    if planned is None:
        reason = (
            plan.skip_reason(step, slot) or "the step is no longer part of the plan"
        )
        return SendDecision(Action.SKIP, reason)
    limit = stale_after(step, policy)
    if now > planned.planned_for + limit:
        hours = int(limit.total_seconds() // 3600)
        return SendDecision(
            Action.SKIP, f"too late to help: more than {hours} hours past its time"
        )
    if now < planned.due_at:
        return SendDecision(Action.DEFER, "not due yet", planned.due_at)
    quiet = policy.quiet_hours
    if in_quiet_hours(now, facts.candidate_zone, quiet.start, quiet.end):
        wake = out_of_quiet_hours(now, facts.candidate_zone, quiet.start, quiet.end)
        return SendDecision(Action.DEFER, "the candidate's quiet hours", wake)
    spacing = timedelta(hours=policy.spacing.min_hours)
    if last_coaching_at is not None and now < last_coaching_at + spacing:
        allowed = out_of_quiet_hours(
            last_coaching_at + spacing, facts.candidate_zone, quiet.start, quiet.end
        )
        return SendDecision(
            Action.DEFER, "another coaching email went out recently", allowed
        )
    return SendDecision(Action.SEND)
