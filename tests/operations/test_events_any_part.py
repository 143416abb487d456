"""Applying events: every part of any type takes effect; reopening plans only ahead."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import (
    OPERATOR_ACTOR,
    Application,
    ApplicationStatus,
    Candidate,
    InboxEvent,
    InboxStatus,
    Interview,
    InterviewStatus,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.events import MISSED_WHILE_DECIDED
from plugin.operations.privacy import forget_candidate
from tests.support.events import DELETE as ABSENT
from tests.support.events import interview_event as event

DECIDED = {
    "application.offer_extended": ApplicationStatus.OFFER_EXTENDED,
    "application.hired": ApplicationStatus.HIRED,
    "application.rejected": ApplicationStatus.REJECTED,
    "application.withdrawn": ApplicationStatus.WITHDRAWN,
}


@pytest.fixture
def deliver(db, post_event, run_jobs):
    """Post an event, run the inbox job, and return the delivery's inbox row."""

    def send(body: dict) -> InboxEvent:
        response = post_event(body)
        assert response.status_code == 202, response.get_json()
        run_jobs()
        db.session.expire_all()
        return db.session.get(InboxEvent, response.get_json()["id"])

    return send


def the(db, model):
    db.session.expire_all()
    return db.session.scalars(select(model)).one()


def statuses(db) -> set[str]:
    return {tp.status for tp in db.session.scalars(select(Touchpoint))}


@pytest.mark.parametrize("kind", sorted(DECIDED))
def test_a_decision_carrying_an_interview_lands_and_stops_the_coaching(
    db, deliver, kind
):
    deliver(event())

    row = deliver(event(type=kind, timestamp="2026-12-01T12:00:00Z"))

    assert (row.status, row.last_error) == (InboxStatus.PROCESSED, None)
    assert the(db, Application).status == DECIDED[kind]
    assert statuses(db) == {TouchpointStatus.CANCELLED}


def test_an_application_event_updates_its_interview_and_keeps_its_status(db, deliver):
    deliver(event())
    deliver(event(type="interview.completed", timestamp="2026-12-01T22:00:00Z"))

    deliver(
        event(
            type="application.updated",
            timestamp="2026-12-01T23:00:00Z",
            **{"data.interview.location": "video call"},
        )
    )

    interview = the(db, Interview)
    assert (interview.status, interview.location) == (
        InterviewStatus.COMPLETED,
        "video call",
    )


def test_an_application_event_may_bring_a_new_interview(db, deliver):
    row = deliver(event(type="application.updated"))

    assert row.status == InboxStatus.PROCESSED
    assert the(db, Interview).status == InterviewStatus.SCHEDULED
    assert TouchpointStatus.PLANNED in statuses(db)


def test_null_interview_is_taken_as_none(db, deliver):
    row = deliver(event(type="application.updated", **{"data.interview": None}))

    assert row.status == InboxStatus.PROCESSED
    assert db.session.scalars(select(Interview)).all() == []


def test_reopening_plans_only_the_steps_still_ahead(db, deliver):
    deliver(event())
    deliver(event(type="application.hired", timestamp="2026-12-01T22:00:00Z"))
    reopened_at = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)

    with clock.frozen_at(reopened_at):
        row = deliver(
            event(
                type="application.reopened",
                timestamp="2026-12-14T12:00:00Z",
                **{"data.interview": ABSENT},
            )
        )

    assert row.status == InboxStatus.PROCESSED
    assert the(db, Application).status == ApplicationStatus.ACTIVE
    touchpoints = db.session.scalars(select(Touchpoint)).all()
    missed = {tp.step for tp in touchpoints if tp.due_at <= reopened_at}
    assert missed == {"thank_you", "handwritten_note", "check_in"}
    for tp in touchpoints:
        if tp.due_at <= reopened_at:
            assert (tp.status, tp.reason) == (
                TouchpointStatus.SKIPPED,
                MISSED_WHILE_DECIDED,
            )
        else:
            assert tp.status == TouchpointStatus.PLANNED
    assert [tp.step for tp in touchpoints if tp.status == "planned"] == ["move_on"]


def test_an_older_reopen_does_not_undo_a_newer_decision(db, deliver):
    deliver(event())
    deliver(event(type="application.hired", timestamp="2026-12-02T00:00:00Z"))

    deliver(event(type="application.reopened", timestamp="2026-12-01T23:00:00Z"))

    assert the(db, Application).status == ApplicationStatus.HIRED


def test_an_event_for_an_erased_candidate_is_ignored_with_its_reason(db, deliver):
    deliver(event())
    forget_candidate(the(db, Candidate), OPERATOR_ACTOR)

    row = deliver(
        event(
            timestamp="2026-12-02T09:00:00Z",
            **{"data.application.id": "a-new", "data.interview.id": "i-new"},
        )
    )

    assert (row.status, row.last_error) == (
        InboxStatus.IGNORED,
        "the candidate's personal data was erased",
    )
    assert [a.external_id for a in db.session.scalars(select(Application))] == [
        "a-5521"
    ]
    assert the(db, Candidate).email is None


def test_an_older_event_fills_in_a_missing_email(db, deliver):
    deliver(
        event(
            type="interview.cancelled",
            timestamp="2026-12-01T11:00:00Z",
            **{"data.candidate": {"id": "c-881"}},
        )
    )

    deliver(event(timestamp="2026-12-01T09:00:00Z"))

    assert the(db, Candidate).email == "dana@example.org"
    assert the(db, Interview).status == InterviewStatus.CANCELLED
