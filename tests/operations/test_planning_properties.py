"""The cadence's invariants on the real database, over random event histories.

About 25 examples: each posts signed events, ticks through time as a scheduler
would (jumping to the next due moment), and checks what was really sent.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from plugin import clock
from plugin.cadence.timing import in_quiet_hours
from plugin.extensions import db
from plugin.jobs.tick import run_tick
from plugin.models import EmailStatus, OutboundEmail, Touchpoint, TouchpointStatus
from tests.support.database import empty_tables
from tests.support.events import DELETE, interview_event
from tests.support.signing import sign_headers

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@dataclass
class History:
    """What the test told the service, with the clock time of each fact."""

    now: datetime = START
    stamp: itertools.count = field(default_factory=lambda: itertools.count(1))
    interviews: int = 0
    deadlines: list[tuple[datetime, date | None]] = field(default_factory=list)
    decided_at: datetime | None = None


operation = st.one_of(
    st.tuples(st.just("interview"), st.integers(0, 4), st.integers(8, 20)),
    st.tuples(st.just("interview"), st.integers(0, 4), st.integers(8, 20)),
    st.tuples(st.just("cancel"), st.integers(0, 3), st.just(0)),
    st.tuples(st.just("deadline"), st.integers(-2, 15), st.just(0)),
    st.tuples(st.just("decision"), st.just(0), st.just(0)),
    st.tuples(st.just("advance"), st.integers(1, 96), st.just(0)),
    st.tuples(st.just("advance"), st.integers(1, 96), st.just(0)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=8))
def test_invariants_hold_on_the_database(inline_app, operations):
    client = inline_app.test_client()
    history = History()
    with inline_app.app_context():
        try:
            _post(client, history, _interview(history, 0, 10))
            for kind, a, b in operations:
                _apply(client, history, kind, a, b)
            _advance(history, timedelta(days=30))
            _check(history)
        finally:
            db.session.remove()
            empty_tables(inline_app)


def _interview(history: History, day_offset: int, hour: int) -> dict:
    day = history.now.astimezone(CHICAGO).date() + timedelta(days=day_offset)
    starts = datetime.combine(day, time(hour), CHICAGO)
    history.interviews += 1
    return interview_event(
        **{
            "data.interview.id": f"i-{history.interviews}",
            "data.interview.starts_at": starts.isoformat(),
            "data.interview.ends_at": (starts + timedelta(hours=1)).isoformat(),
        }
    )


def _apply(client, history: History, kind: str, a: int, b: int) -> None:
    if kind == "interview":
        _post(client, history, _interview(history, a, b))
    elif kind == "cancel" and history.interviews:
        _post(
            client,
            history,
            interview_event(
                type="interview.cancelled",
                **{"data.interview": {"id": f"i-{a % history.interviews + 1}"}},
            ),
        )
    elif kind == "deadline":
        deadline = history.now.astimezone(CHICAGO).date() + timedelta(days=a)
        _post(
            client,
            history,
            interview_event(
                type="application.updated",
                **{
                    "data.interview": DELETE,
                    "data.application.decision_deadline": deadline.isoformat(),
                },
            ),
        )
        history.deadlines.append((history.now, deadline))
    elif kind == "decision":
        _post(
            client,
            history,
            interview_event(type="application.rejected", **{"data.interview": DELETE}),
        )
        history.decided_at = history.decided_at or history.now
    elif kind == "advance":
        _advance(history, timedelta(hours=a))


def _post(client, history: History, event: dict) -> None:
    # Only "deadline" operations state a deadline; every other event leaves it out.
    if event["type"] != "application.updated":
        event["data"]["application"].pop("decision_deadline", None)
    event["timestamp"] = (START + timedelta(seconds=next(history.stamp))).isoformat()
    raw = json.dumps(event).encode()
    with clock.frozen_at(history.now):
        response = client.post(
            "/webhooks/standard",
            data=raw,
            headers=sign_headers(raw, sent_at=history.now),
        )
    assert response.status_code == 202, response.get_json()


def _advance(history: History, span: timedelta) -> None:
    """Tick at every moment something falls due, up to now + span."""
    target = history.now + span
    while True:
        with clock.frozen_at(history.now):
            run_tick()
        moment = _next_due()
        if moment is None or moment > target:
            break
        history.now = max(moment, history.now + timedelta(seconds=1))
    # What the test posts next arrives after the last tick, not at the same instant:
    # an email sent at 14:00:00 came before a decision posted "at" 14:00:00.
    history.now = max(target, history.now + timedelta(seconds=1))


def _next_due() -> datetime | None:
    planned = db.session.scalar(
        select(func.min(Touchpoint.due_at)).where(
            Touchpoint.status == TouchpointStatus.PLANNED
        )
    )
    pending = db.session.scalar(
        select(func.min(OutboundEmail.next_attempt_at)).where(
            OutboundEmail.status == EmailStatus.PENDING
        )
    )
    moments = [
        m.replace(tzinfo=UTC) if m.tzinfo is None else m
        for m in (planned, pending)
        if m is not None
    ]
    return min(moments, default=None)


def _check(history: History) -> None:
    sent = db.session.scalars(
        select(OutboundEmail)
        .where(OutboundEmail.status == EmailStatus.SENT)
        .order_by(OutboundEmail.sent_at)
    ).all()
    keys = [(e.template, e.touchpoint.slot) for e in sent]
    assert len(keys) == len(set(keys)), keys
    assert sum(1 for e in sent if e.template == "check_in") <= 1
    for earlier, later in itertools.pairwise(sent):
        assert later.sent_at - earlier.sent_at >= timedelta(hours=18)
    for email in sent:
        assert not in_quiet_hours(email.sent_at, CHICAGO, time(21), time(8))
        if history.decided_at is not None:
            assert email.sent_at < history.decided_at
        if email.template == "check_in":
            stated = [d for at, d in history.deadlines if at <= email.sent_at]
            if stated and stated[-1] is not None:
                earliest = datetime.combine(
                    stated[-1] + timedelta(days=4), time(0), CHICAGO
                )
                assert email.sent_at >= earliest
