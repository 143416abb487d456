"""The etiquette steps and the facts the rules decide from."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo


class Step(enum.StrEnum):
    """The four steps, in the order they happen after a round."""

    THANK_YOU = "thank_you"
    HANDWRITTEN_NOTE = "handwritten_note"
    CHECK_IN = "check_in"
    MOVE_ON = "move_on"

    @property
    def staff_name(self) -> str:
        """The step as alerts and digests name it to the firm's staff.

        Candidates read the steps in their own language: see the plan page's
        STEP_LABELS.
        """
        return _STAFF_NAMES[self]


_STAFF_NAMES = {
    Step.THANK_YOU: "thank-you coaching",
    Step.HANDWRITTEN_NOTE: "handwritten-note suggestion",
    Step.CHECK_IN: "check-in",
    Step.MOVE_ON: "move-on",
}


# A check-in happens once per application: its slot never changes.
APPLICATION_SLOT = "application"


@dataclass(frozen=True)
class InterviewFacts:
    """One interview that was not cancelled."""

    interview_id: int
    ends_at: datetime
    remote: bool = False


@dataclass(frozen=True)
class DoneStep:
    """A step that is settled: sent, skipped at send time, or in flight."""

    step: Step
    slot: str
    at: datetime
    sent: bool = True


@dataclass(frozen=True)
class ApplicationFacts:
    """Everything the rules need to know about one application, right now."""

    status: str
    candidate_zone: tzinfo
    employer_zone: tzinfo
    interviews: tuple[InterviewFacts, ...] = ()
    decision_deadline: date | None = None
    has_mailing_address: bool = False
    paused: bool = False
    paused_until: datetime | None = None
    heard_back: bool = False
    emails_stopped: bool = False
    candidate_opted_out: bool = False
    history: tuple[DoneStep, ...] = field(default=())


@dataclass(frozen=True)
class PlannedStep:
    """A step the rules want: its ideal time, and when it may first be attempted."""

    step: Step
    slot: str
    planned_for: datetime
    due_at: datetime
    reason: str


@dataclass(frozen=True)
class SkippedStep:
    """A step the rules decline for now, with the reason a person would read."""

    step: Step
    slot: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """The rules' answer for one application at one moment."""

    steps: tuple[PlannedStep, ...] = ()
    skipped: tuple[SkippedStep, ...] = ()
    stopped_reason: str | None = None

    def find(self, step: Step, slot: str) -> PlannedStep | None:
        """The planned step for (step, slot), if the plan still has it."""
        return next((s for s in self.steps if (s.step, s.slot) == (step, slot)), None)

    def skip_reason(self, step: Step, slot: str) -> str | None:
        """Why the plan declines (step, slot), if it says."""
        if self.stopped_reason:
            return self.stopped_reason
        return next(
            (s.reason for s in self.skipped if (s.step, s.slot) == (step, slot)), None
        )
