"""Lever webhooks end to end: each event type, signed, through the stand-in API."""

from __future__ import annotations

from datetime import timedelta

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
from tests.fakes.lever_api import (
    NOW,
    STARTS,
    delivery,
    epoch_ms,
    interview_data,
    lever_settings,
    opportunity_data,
    post,
    running_lever,
    seed_tenant,
)


@pytest.fixture
def lever():
    with running_lever() as state:
        seed_tenant(state, STARTS)
        yield state


@pytest.fixture
def settings(settings, lever):
    settings.update(lever_settings(lever))
    return settings


@pytest.fixture
def deliver(client, run_jobs):
    """Deliver one signed event at `at` and run the jobs it queued."""

    def send(event, data, at=NOW, **signing):
        with clock.frozen_at(at):
            answer = post(client, delivery(event, data, at, **signing))
            run_jobs()
        return answer

    return send


def _application(db):
    db.session.expire_all()
    return db.session.scalars(select(Application).filter_by(source="lever")).one()


def _plan(db):
    return {tp.step: tp for tp in touchpoints_of(_application(db).id)}


def _inbox(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def test_interview_created_plans_the_cadence_from_lever_records(deliver, db, lever):
    answer = deliver("interviewCreated", interview_data())

    assert answer.status_code == 202
    application = _application(db)
    assert application.job_title == "Payroll Specialist"
    assert application.candidate.email == "dana@example.org"
    assert application.recruiter.email == "sam@staffing.example"
    interview = db.session.scalars(select(Interview)).one()
    assert interview.starts_at == STARTS
    assert interview.ends_at == STARTS + timedelta(minutes=60)
    assert interview.utc_offset_minutes == -360  # Chicago, from Lever's timezone
    assert [p.email for p in interview.interviewers] == [
        "lee@acme.example",
        "ana@acme.example",
    ]
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED
    assert dict(lever.calls) == {"opportunity": 1, "interview": 1, "posting": 1}


def test_interview_updated_moves_the_planned_steps(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    before = _plan(db)["thank_you"].due_at
    lever.interviews[("opp-1", "int-1")]["date"] = epoch_ms(STARTS + timedelta(days=1))

    deliver("interviewUpdated", interview_data(), at=NOW + timedelta(minutes=5))

    after = _plan(db)["thank_you"]
    assert after.status == TouchpointStatus.PLANNED
    assert after.due_at - before == timedelta(days=1)


def test_interview_canceled_in_lever_cancels_its_steps(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    lever.interviews[("opp-1", "int-1")]["canceledAt"] = epoch_ms(NOW)

    deliver("interviewUpdated", interview_data(), at=NOW + timedelta(minutes=5))

    assert db.session.scalars(select(Interview)).one().status == (
        InterviewStatus.CANCELLED
    )
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


def test_interview_deleted_cancels_its_steps(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    del lever.interviews[("opp-1", "int-1")]
    lever.reset_calls()

    deliver("interviewDeleted", interview_data(), at=NOW + timedelta(minutes=5))

    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED
    assert dict(lever.calls) == {"opportunity": 1, "interview": 1}


def test_a_late_update_of_a_deleted_interview_keeps_it_cancelled(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    del lever.interviews[("opp-1", "int-1")]
    deliver("interviewDeleted", interview_data(), at=NOW + timedelta(minutes=5))

    # Lever's earlier "updated" arrives last: the interview is read as it is now.
    deliver("interviewUpdated", interview_data(), at=NOW + timedelta(minutes=6))

    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


def test_candidate_hired_stops_the_cadence(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    lever.reset_calls()

    deliver("candidateHired", opportunity_data(), at=NOW + timedelta(hours=1))

    assert _application(db).status == ApplicationStatus.HIRED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED
    assert dict(lever.calls) == {"opportunity": 1}


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("reason-underqualified", ApplicationStatus.REJECTED),
        ("reason-withdrew", ApplicationStatus.WITHDRAWN),
        ("reason-hired", ApplicationStatus.HIRED),
    ],
)
def test_archiving_decides_by_the_archive_reason(deliver, db, lever, reason, status):
    deliver("interviewCreated", interview_data())
    archived = {"archivedAt": epoch_ms(NOW), "reason": reason}
    lever.opportunities["opp-1"]["archived"] = archived
    lever.reset_calls()

    later = NOW + timedelta(hours=1)
    deliver("candidateArchiveChange", opportunity_data(toArchived=archived), at=later)

    assert _application(db).status == status
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED
    assert dict(lever.calls) == {"opportunity": 1, "archive_reason": 1}


def test_unarchiving_reopens_the_application(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    archived = {"archivedAt": epoch_ms(NOW), "reason": "reason-underqualified"}
    lever.opportunities["opp-1"]["archived"] = archived
    deliver("candidateArchiveChange", opportunity_data(toArchived=archived))
    lever.opportunities["opp-1"]["archived"] = None

    later = NOW + timedelta(hours=2)
    data = opportunity_data(fromArchived=archived, toArchived=None)
    deliver("candidateArchiveChange", data, at=later)

    assert _application(db).status == ApplicationStatus.ACTIVE
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED


def test_stage_change_refreshes_the_application(deliver, db, lever):
    deliver("interviewCreated", interview_data())
    lever.opportunities["opp-1"]["owner"] = {
        "id": "user-8",
        "name": "Kim Lee",
        "email": "kim@staffing.example",
    }
    lever.reset_calls()

    data = opportunity_data(fromStageId="stage-onsite", toStageId="stage-offer")
    deliver("candidateStageChange", data, at=NOW + timedelta(hours=1))

    assert _application(db).recruiter.email == "kim@staffing.example"
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED
    assert dict(lever.calls) == {"opportunity": 1}


def test_events_this_service_does_not_use_are_kept_as_ignored(deliver, db, lever):
    answer = deliver("applicationCreated", opportunity_data())

    assert answer.status_code == 202
    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED
    assert sum(lever.calls.values()) == 0


def test_a_candidate_without_email_is_ignored_with_a_reason(deliver, db, lever):
    lever.opportunities["opp-1"]["emails"] = []

    deliver("interviewCreated", interview_data())

    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED
    assert "no email" in row.last_error


def test_an_event_missing_its_ids_is_refused_naming_them(client, db):
    with clock.frozen_at(NOW):
        answer = post(client, delivery("interviewCreated", {"panelId": "p"}, NOW))

    assert answer.status_code == 422
    assert set(answer.get_json()["fields"]) == {
        "data.opportunityId",
        "data.interviewId",
    }
    assert _inbox(db) == []


def test_each_event_type_costs_the_calls_listed_in_the_docs(deliver, db, lever):
    """The figures in docs/sources/lever.md, counted by the stand-in."""
    archived = {"archivedAt": epoch_ms(NOW), "reason": "reason-underqualified"}
    costs = {}
    for n, (event, data) in enumerate(
        [
            ("interviewCreated", interview_data()),
            ("interviewUpdated", interview_data()),
            ("candidateStageChange", opportunity_data(toStageId="s")),
            ("candidateHired", opportunity_data()),
            ("candidateArchiveChange", opportunity_data(toArchived=archived)),
            ("interviewDeleted", interview_data()),
        ]
    ):
        if event == "candidateArchiveChange":
            lever.opportunities["opp-1"]["archived"] = archived
        if event == "interviewDeleted":
            del lever.interviews[("opp-1", "int-1")]
        lever.reset_calls()
        deliver(event, data, at=NOW + timedelta(minutes=n))
        costs[event] = sum(lever.calls.values())

    assert costs == {
        "interviewCreated": 3,
        "interviewUpdated": 3,
        "candidateStageChange": 1,
        "candidateHired": 1,
        "candidateArchiveChange": 2,
        "interviewDeleted": 2,
    }
    assert all(row.status == InboxStatus.PROCESSED for row in _inbox(db))
