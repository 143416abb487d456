"""Ashby webhooks end to end: each action, signed, through the stand-in API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import (
    Application,
    ApplicationStatus,
    InboxEvent,
    InboxStatus,
    Interview,
    InterviewStatus,
    TouchpointStatus,
)
from plugin.operations.planning import touchpoints_of
from tests.fakes.ashby_api import (
    application_record,
    ashby_settings,
    post,
    running_ashby,
    schedule,
    seed_tenant,
    webhook,
)

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def ashby():
    with running_ashby() as state:
        seed_tenant(state)
        yield state


@pytest.fixture
def settings(settings, ashby):
    settings.update(ashby_settings(ashby))
    return settings


@pytest.fixture
def deliver(client, run_jobs):
    """Deliver one signed webhook at `at` and run the jobs it queued."""

    def send(action, data, at=NOW, action_id="new"):
        action_id = str(uuid.uuid4()) if action_id == "new" else action_id
        with clock.frozen_at(at):
            answer = post(client, webhook(action, data, action_id))
            run_jobs()
        return answer

    return send


def _application(db):
    db.session.expire_all()
    return db.session.scalars(select(Application).filter_by(source="ashby")).one()


def _plan(db):
    return {tp.step: tp for tp in touchpoints_of(_application(db).id)}


def _inbox(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def _scheduled(deliver, **changes):
    return deliver(
        "interviewScheduleCreate", {"interviewSchedule": schedule(**changes)}
    )


def _application_update(deliver, at, **changes):
    record = application_record(updatedAt=at.isoformat(), **changes)
    return deliver("applicationUpdate", {"application": record}, at=at)


def test_ping_is_accepted_and_kept_as_ignored(deliver, db, ashby):
    answer = deliver("ping", {"webhookActionType": "ping"}, action_id=None)

    assert answer.status_code == 202
    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED
    assert sum(ashby.calls.values()) == 0


def test_schedule_created_plans_the_cadence_in_the_candidates_zone(deliver, db, ashby):
    assert _scheduled(deliver).status_code == 202

    application = _application(db)
    assert application.job_title == "Payroll Specialist"
    assert application.candidate.email == "dana@example.org"
    assert application.candidate.timezone == "America/Chicago"
    assert application.recruiter.email == "sam@staffing.example"
    interview = db.session.scalars(select(Interview)).one()
    assert (interview.starts_at, interview.utc_offset_minutes) == (STARTS, -360)
    assert [p.name for p in interview.interviewers] == ["Lee Park", "Ana Ruiz"]
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED
    assert dict(ashby.calls) == {"application.info": 1, "candidate.info": 1}


def test_without_the_candidates_zone_times_are_shown_in_the_firms(deliver, db, ashby):
    ashby.candidates["cand-881"]["timezone"] = None

    _scheduled(deliver)

    interview = db.session.scalars(select(Interview)).one()
    assert interview.starts_at == STARTS
    assert interview.utc_offset_minutes == -300  # the firm's New York


def test_schedule_updated_moves_the_planned_steps(deliver, db):
    _scheduled(deliver)
    before = _plan(db)["thank_you"].due_at

    moved = schedule(
        start="2026-12-02T20:00:00.000Z",
        end="2026-12-02T21:00:00.000Z",
        updated_at="2026-11-28T16:00:00.000Z",
    )
    deliver("interviewScheduleUpdate", {"interviewSchedule": moved})

    assert _plan(db)["thank_you"].due_at - before == timedelta(days=1)


def test_schedule_cancelled_cancels_its_steps(deliver, db):
    _scheduled(deliver)

    cancelled = schedule(status="Cancelled", updated_at="2026-11-28T16:00:00.000Z")
    deliver("interviewScheduleUpdate", {"interviewSchedule": cancelled})

    interview = db.session.scalars(select(Interview)).one()
    assert interview.status == InterviewStatus.CANCELLED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


def test_an_older_schedule_arriving_late_changes_nothing(deliver, db):
    moved = schedule(
        start="2026-12-02T20:00:00.000Z",
        end="2026-12-02T21:00:00.000Z",
        updated_at="2026-11-28T16:00:00.000Z",
    )
    deliver("interviewScheduleUpdate", {"interviewSchedule": moved})

    _scheduled(deliver)  # the create, stamped an hour earlier, comes last

    interview = db.session.scalars(select(Interview)).one()
    assert interview.starts_at == STARTS + timedelta(days=1)


def test_candidate_hire_stops_the_cadence_without_api_calls(deliver, db, ashby):
    _scheduled(deliver)
    ashby.reset_calls()
    at = NOW + timedelta(hours=1)

    record = application_record(status="Hired", updatedAt=at.isoformat())
    deliver("candidateHire", {"application": record}, at=at)

    assert _application(db).status == ApplicationStatus.HIRED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED
    assert sum(ashby.calls.values()) == 0


@pytest.mark.parametrize(
    ("reason_type", "status"),
    [
        ("RejectedByOrg", ApplicationStatus.REJECTED),
        ("RejectedByCandidate", ApplicationStatus.WITHDRAWN),
        ("Other", ApplicationStatus.REJECTED),
    ],
)
def test_archiving_decides_by_the_reason_type(deliver, db, reason_type, status):
    _scheduled(deliver)
    reason = {"id": "r-1", "text": "Reason", "reasonType": reason_type}

    at = NOW + timedelta(hours=1)
    _application_update(deliver, at, status="Archived", archiveReason=reason)

    assert _application(db).status == status
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


def test_unarchiving_reopens_the_application(deliver, db):
    _scheduled(deliver)
    reason = {"id": "r-1", "text": "Not a fit", "reasonType": "RejectedByOrg"}
    at = NOW + timedelta(hours=1)
    _application_update(deliver, at, status="Archived", archiveReason=reason)

    _application_update(deliver, at + timedelta(hours=1), status="Active")

    assert _application(db).status == ApplicationStatus.ACTIVE
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED


def test_a_stage_move_leaves_an_active_application_coached(deliver, db, ashby):
    _scheduled(deliver)
    ashby.reset_calls()

    _application_update(deliver, NOW + timedelta(hours=1), status="Active")

    assert _application(db).status == ApplicationStatus.ACTIVE
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED
    assert sum(ashby.calls.values()) == 0


def test_actions_this_service_does_not_use_are_kept_as_ignored(deliver, db):
    answer = deliver("jobPostingUpdate", {"jobPosting": {"id": "jp-1"}})

    assert answer.status_code == 202
    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED


def test_a_schedule_missing_its_application_is_refused_naming_it(client, db):
    broken = schedule()
    del broken["applicationId"]
    broken["interviewEvents"][0]["startTime"] = "next tuesday"

    with clock.frozen_at(NOW):
        answer = post(
            client,
            webhook("interviewScheduleCreate", {"interviewSchedule": broken}, "x"),
        )

    assert answer.status_code == 422
    assert set(answer.get_json()["fields"]) == {
        "data.interviewSchedule.applicationId",
        "data.interviewSchedule.interviewEvents.0.startTime",
    }
    assert _inbox(db) == []


def test_each_action_costs_the_calls_listed_in_the_docs(deliver, db, ashby):
    """The figures in docs/sources/ashby.md, counted by the stand-in."""
    at = NOW + timedelta(hours=1)
    record = application_record(status="Hired", updatedAt=at.isoformat())
    costs = {}
    for action, data in [
        ("ping", {"webhookActionType": "ping"}),
        ("interviewScheduleCreate", {"interviewSchedule": schedule()}),
        ("interviewScheduleUpdate", {"interviewSchedule": schedule()}),
        ("applicationUpdate", {"application": application_record()}),
        ("candidateHire", {"application": record}),
    ]:
        ashby.reset_calls()
        deliver(action, data)
        costs[action] = sum(ashby.calls.values())

    assert costs == {
        "ping": 0,
        "interviewScheduleCreate": 2,
        "interviewScheduleUpdate": 2,
        "applicationUpdate": 0,
        "candidateHire": 0,
    }
