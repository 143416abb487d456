"""A scheduler for the pure core: random events and clocks, every send recorded.

It plays the part of the database and the tick: it plans, claims what is due,
asks `decide_send`, and keeps what was sent, skipped and deferred. Each send is
recorded with the facts as they were at that instant, for the invariants to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from plugin.cadence.plan import plan_cadence
from plugin.cadence.send import Action, decide_send
from plugin.cadence.steps import ApplicationFacts, DoneStep, InterviewFacts, Step
from plugin.config.policy import Policy

START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ZONES = ["America/Chicago", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]


@dataclass
class Sent:
    """One email the simulated service sent."""

    app: int
    step: Step
    slot: str
    at: datetime
    facts: ApplicationFacts
    planned_for: datetime


@dataclass
class World:
    """One candidate with two applications, and everything sent to them."""

    policy: Policy
    now: datetime
    apps: list[ApplicationFacts]
    deferred: dict[tuple[int, Step, str], datetime] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    last_coaching: datetime | None = None
    next_interview_id: int = 1

    def advance(self, minutes: int) -> None:
        """Move the clock, ticking at every moment something falls due."""
        target = self.now + timedelta(minutes=minutes)
        while (moment := self._next_due()) is not None and moment <= target:
            self.now = max(self.now, moment)
            self.tick()
        self.now = target
        self.tick()

    def tick(self) -> None:
        """Claim and try every due step of every application, as the tick does."""
        for index in range(len(self.apps)):
            for planned in plan_cadence(self.apps[index], self.policy).steps:
                key = (index, planned.step, planned.slot)
                if (
                    planned.due_at > self.now
                    or self.deferred.get(key, self.now) > self.now
                ):
                    continue
                self._try(index, planned.step, planned.slot, planned.planned_for)

    def _try(self, index: int, step: Step, slot: str, planned_for: datetime) -> None:
        facts = self.apps[index]
        decision = decide_send(
            step, slot, facts, self.policy, self.now, self.last_coaching
        )
        key = (index, step, slot)
        if decision.action == Action.DEFER:
            assert decision.until is not None and decision.until > self.now
            self.deferred[key] = decision.until
            return
        sent = decision.action == Action.SEND
        if sent:
            self.sent.append(Sent(index, step, slot, self.now, facts, planned_for))
            self.last_coaching = self.now
        self.apps[index] = replace(
            facts, history=facts.history + (DoneStep(step, slot, self.now, sent=sent),)
        )

    def _next_due(self) -> datetime | None:
        moments = []
        for index, facts in enumerate(self.apps):
            for planned in plan_cadence(facts, self.policy).steps:
                moment = max(
                    planned.due_at,
                    self.deferred.get(
                        (index, planned.step, planned.slot), planned.due_at
                    ),
                )
                if moment > self.now:
                    moments.append(moment)
        return min(moments, default=None)

    def apply(self, operation: tuple) -> None:
        """One thing happening in the world: an event, a report, time passing."""
        kind, index, value = operation
        facts = self.apps[index]
        if kind == "advance":
            self.advance(value)
        elif kind == "interview":
            day_offset, hour, remote = value
            local = datetime.combine(
                self.now.astimezone(facts.candidate_zone).date()
                + timedelta(days=day_offset),
                datetime.min.time(),
                facts.candidate_zone,
            )
            ends = (local + timedelta(hours=hour)).astimezone(UTC)
            interview = InterviewFacts(self.next_interview_id, ends, remote)
            self.next_interview_id += 1
            self.apps[index] = replace(
                facts, interviews=facts.interviews + (interview,)
            )
        elif kind == "cancel" and facts.interviews:
            kept = (
                facts.interviews[: value % len(facts.interviews)]
                + facts.interviews[value % len(facts.interviews) + 1 :]
            )
            self.apps[index] = replace(facts, interviews=kept)
        elif kind == "deadline":
            deadline = (
                None if value is None else self.now.date() + timedelta(days=value)
            )
            self.apps[index] = replace(facts, decision_deadline=deadline)
        elif kind == "pause":
            until = None if value is None else self.now + timedelta(hours=value)
            self.apps[index] = replace(facts, paused=True, paused_until=until)
        elif kind == "resume":
            self.apps[index] = replace(facts, paused=False, paused_until=None)
        elif kind == "stop":
            self.apps[index] = replace(facts, **{value: True})
        elif kind == "decision":
            self.apps[index] = replace(facts, status=value)
        elif kind == "opt_out":
            self.apps = [replace(f, candidate_opted_out=True) for f in self.apps]
        self._expire_pauses()

    def _expire_pauses(self) -> None:
        # The database layer reads a dated pause as over once its end has passed.
        self.apps = [
            replace(f, paused=False, paused_until=None)
            if f.paused and f.paused_until is not None and f.paused_until <= self.now
            else f
            for f in self.apps
        ]


def new_world(policy: Policy, zone: str, has_address: bool) -> World:
    tz = ZoneInfo(zone)
    app = ApplicationFacts(
        status="active",
        candidate_zone=tz,
        employer_zone=tz,
        has_mailing_address=has_address,
    )
    return World(policy=policy, now=START, apps=[app, app])


_app = st.integers(min_value=0, max_value=1)
operations = st.one_of(
    st.tuples(
        st.just("advance"), _app, st.integers(min_value=1, max_value=6 * 24 * 60)
    ),
    st.tuples(
        st.just("interview"),
        _app,
        st.tuples(st.integers(0, 6), st.integers(7, 23), st.booleans()),
    ),
    st.tuples(st.just("cancel"), _app, st.integers(0, 5)),
    st.tuples(st.just("deadline"), _app, st.one_of(st.none(), st.integers(-3, 20))),
    st.tuples(st.just("pause"), _app, st.one_of(st.none(), st.integers(1, 120))),
    st.tuples(st.just("resume"), _app, st.none()),
    st.tuples(st.just("stop"), _app, st.sampled_from(["heard_back", "emails_stopped"])),
    st.tuples(
        st.just("decision"),
        _app,
        st.sampled_from(["offer_extended", "hired", "rejected", "withdrawn"]),
    ),
    st.tuples(st.just("opt_out"), _app, st.none()),
)


_interview = st.tuples(
    st.just("interview"),
    _app,
    st.tuples(st.integers(0, 3), st.integers(7, 23), st.booleans()),
)
_advance = st.tuples(st.just("advance"), _app, st.integers(1, 3 * 24 * 60))
# Mostly interviews and time passing, so most worlds see every step fall due.
_history = st.one_of(_interview, _interview, _advance, _advance, _advance, operations)


@st.composite
def worlds(draw: st.DrawFn, policy: Policy) -> World:
    """A world after a random history that starts with an interview."""
    world = new_world(policy, draw(st.sampled_from(ZONES)), draw(st.booleans()))
    world.apply(draw(_interview))
    for operation in draw(st.lists(_history, max_size=14)):
        world.apply(operation)
    world.advance(40 * 24 * 60)  # let every remaining step fall due
    return world


def threshold(deadline: date, zone: ZoneInfo) -> datetime:
    """Deadline + 3 days, from the end of the deadline date: written out by hand."""
    return datetime.combine(deadline + timedelta(days=4), datetime.min.time(), zone)
