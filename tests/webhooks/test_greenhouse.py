"""Greenhouse web hooks end to end: every supported action, signed, and its effect."""

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
from tests.fakes.greenhouse_api import (
    application_payload,
    encoded,
    greenhouse_settings,
    interview_record,
    ping,
    post,
    signature,
    webhook,
)
from tests.support.greenhouse_fixtures import NOW, STARTS, seeded_greenhouse

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def greenhouse():
    with seeded_greenhouse({}) as state:
        yield state


@pytest.fixture
def settings(settings, greenhouse):
    settings.update(greenhouse_settings(greenhouse))
    return settings


@pytest.fixture
def deliver(client, run_jobs, greenhouse):
    """Deliver one signed web hook at `at` and run the jobs it queued."""

    def send(action, payload, at=NOW, event_id="new"):
        with clock.frozen_at(at):
            answer = post(client, webhook(action, payload), event_id=event_id)
            run_jobs()
        return answer

    return send


def _application(db):
    db.session.expire_all()
    return db.session.scalars(select(Application).filter_by(source="greenhouse")).one()


def _plan(db):
    return {tp.step: tp for tp in touchpoints_of(_application(db).id)}


def _inbox(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def _interview(db):
    db.session.expire_all()
    return db.session.scalars(select(Interview)).one()


def _stage_change(deliver, at=NOW, **changes):
    payload = {"application": application_payload(**changes)}
    return deliver("candidate_stage_change", payload, at=at)


def _decision(deliver, action, at, **changes):
    changes.setdefault("last_activity_at", at.isoformat())
    payload = {"application": application_payload(**changes)}
    return deliver(action, payload, at=at)


def test_ping_is_answered_200_and_stored_nowhere(client, db, greenhouse):
    with clock.frozen_at(NOW):
        answer = post(client, ping())

    assert answer.status_code == 200
    assert answer.get_json() == {"status": "pong"}
    assert _inbox(db) == []
    assert sum(greenhouse.calls.values()) == 0


def test_a_stage_change_reads_the_interviews_and_plans_the_cadence(
    deliver, db, greenhouse
):
    answer = _stage_change(deliver)

    assert answer.status_code == 200
    assert answer.get_json()["status"] == "accepted"
    application = _application(db)
    assert application.job_title == "Payroll Specialist"
    assert application.candidate.email == "dana@example.org"
    assert application.recruiter.email == "sam@staffing.example"
    interview = _interview(db)
    assert interview.starts_at == STARTS
    assert [p.name for p in interview.interviewers] == ["Lee Park", "Ana Ruiz"]
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED
    assert dict(greenhouse.calls) == {"POST /token": 1, "GET /v3/interviews": 1}
    assert greenhouse.subjects == ["4080"]


def test_a_stage_change_after_a_move_moves_the_planned_steps(deliver, db, greenhouse):
    _stage_change(deliver)
    before = _plan(db)["thank_you"].due_at

    greenhouse.add(
        "interviews",
        interview_record(
            start_at="2026-12-02T20:00:00Z",
            end_at="2026-12-02T21:00:00Z",
            updated_at=LATER.isoformat(),
        ),
    )
    _stage_change(deliver, at=LATER, last_activity_at=LATER.isoformat())

    assert _plan(db)["thank_you"].due_at - before == timedelta(days=1)


def test_hire_stops_the_cadence_without_harvest_calls(deliver, db, greenhouse):
    _stage_change(deliver)
    greenhouse.calls.clear()

    offer = {"id": 506409, "version": 1, "resolved_at": LATER.isoformat()}
    _decision(deliver, "hire_candidate", LATER, status="hired", offer=offer)

    assert _application(db).status == ApplicationStatus.HIRED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED
    assert sum(greenhouse.calls.values()) == 0


def test_reject_stops_the_cadence(deliver, db):
    _stage_change(deliver)

    _decision(
        deliver,
        "reject_candidate",
        LATER,
        status="rejected",
        rejected_at=LATER.isoformat(),
    )

    assert _application(db).status == ApplicationStatus.REJECTED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


@pytest.mark.parametrize(
    ("decided", "undone"),
    [
        ("hire_candidate", "unhire_candidate"),
        ("reject_candidate", "unreject_candidate"),
    ],
)
def test_a_decision_undone_reopens_the_application(deliver, db, decided, undone):
    _stage_change(deliver)
    _decision(deliver, decided, LATER)

    _decision(deliver, undone, LATER + timedelta(hours=1), status="active")

    assert _application(db).status == ApplicationStatus.ACTIVE
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED


def test_an_accepted_offer_deleted_reopens_after_a_hire(deliver, db, greenhouse):
    _stage_change(deliver)
    _decision(deliver, "hire_candidate", LATER)
    greenhouse.calls.clear()

    offer = {
        "id": 506409,
        "application_id": 265277,
        "offer_status": "Accepted",
        "version": 1,
        "sent_on": "2026-11-28",
        "job_id": 3485,
    }
    deliver("offer_deleted", {"offer": offer}, at=LATER + timedelta(hours=1))

    assert _application(db).status == ApplicationStatus.ACTIVE
    assert dict(greenhouse.calls) == {"GET /v3/applications": 1}


def test_an_offer_sent_is_an_offer_extended(deliver, db):
    _stage_change(deliver)

    offer = {
        "id": 506410,
        "application_id": 265277,
        "offer_status": "Created",
        "version": 1,
        "sent_on": "2026-11-28",
        "job_id": 3485,
    }
    deliver("offer_created", offer, at=LATER)  # the flat shape of older docs

    assert _application(db).status == ApplicationStatus.OFFER_EXTENDED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


@pytest.mark.parametrize(
    ("action", "status", "sent_on"),
    [
        ("offer_created", "Created", None),  # a draft the candidate never saw
        ("offer_updated", "Deprecated", "2026-11-28"),
        ("offer_deleted", "Created", "2026-11-28"),
    ],
)
def test_offers_that_decide_nothing_are_kept_as_ignored(
    deliver, db, action, status, sent_on
):
    _stage_change(deliver)

    offer = {
        "id": 1,
        "application_id": 265277,
        "offer_status": status,
        "sent_on": sent_on,
    }
    answer = deliver(action, {"offer": offer}, at=LATER)

    assert answer.status_code == 200
    assert _inbox(db)[-1].status == InboxStatus.IGNORED
    assert _application(db).status == ApplicationStatus.ACTIVE


def test_interview_deleted_cancels_its_steps(deliver, db, greenhouse):
    _stage_change(deliver)
    greenhouse.calls.clear()

    deliver("interview_deleted", {"interview": {"id": 113101}}, at=LATER)

    assert _interview(db).status == InterviewStatus.CANCELLED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED
    assert sum(greenhouse.calls.values()) == 0


def test_an_unknown_interview_deleted_is_kept_as_ignored(deliver, db):
    deliver("interview_deleted", {"interview": {"id": 999}})

    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED


def test_an_older_stage_change_arriving_late_leaves_the_rejection(deliver, db):
    _stage_change(deliver)
    _decision(deliver, "reject_candidate", LATER, rejected_at=LATER.isoformat())

    _stage_change(deliver, at=LATER + timedelta(hours=1))  # stamped NOW, delayed

    assert _application(db).status == ApplicationStatus.REJECTED
    assert _plan(db)["thank_you"].status == TouchpointStatus.CANCELLED


def test_actions_this_service_does_not_use_are_kept_as_ignored(deliver, db):
    answer = deliver("job_post_created", {"job_post": {"id": 1}})

    assert answer.status_code == 200
    assert answer.get_json()["status"] == "accepted"
    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED


def test_each_action_costs_the_harvest_calls_listed_in_the_docs(
    deliver, db, greenhouse
):
    """The figures in docs/sources/greenhouse.md, counted by the stand-in."""
    _stage_change(deliver)  # the first call of a process also fetches a token
    offer = {"application_id": 265277, "offer_status": "Accepted", "sent_on": "x"}
    at = LATER
    costs = {}
    for action, payload in [
        ("candidate_stage_change", {"application": application_payload()}),
        ("hire_candidate", {"application": application_payload()}),
        ("unhire_candidate", {"application": application_payload()}),
        ("reject_candidate", {"application": application_payload()}),
        ("unreject_candidate", {"application": application_payload()}),
        ("offer_created", {"offer": {**offer, "offer_status": "Created"}}),
        ("offer_updated", {"offer": {**offer, "offer_status": "Created"}}),
        ("offer_deleted", {"offer": offer}),
        ("interview_deleted", {"interview": {"id": 113101}}),
    ]:
        greenhouse.calls.clear()
        at += timedelta(minutes=5)
        payload = {
            key: {**value, "last_activity_at": at.isoformat()}
            if key == "application"
            else value
            for key, value in payload.items()
        }
        deliver(action, payload, at=at)
        costs[action] = greenhouse.harvest_calls()

    assert costs == {
        "candidate_stage_change": 1,
        "hire_candidate": 0,
        "unhire_candidate": 0,
        "reject_candidate": 0,
        "unreject_candidate": 0,
        "offer_created": 1,
        "offer_updated": 1,
        "offer_deleted": 1,
        "interview_deleted": 0,
    }
    assert all(row.status != InboxStatus.PENDING for row in _inbox(db))


def test_an_offer_without_harvest_set_up_is_kept_as_ignored(app, deliver, db):
    app.config["GREENHOUSE_CLIENT_ID"] = None
    offer = {"application_id": 265277, "offer_status": "Accepted", "sent_on": "x"}

    answer = deliver("offer_deleted", {"offer": offer})

    assert answer.status_code == 200
    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED
    assert "Harvest is not set up" in row.last_error


def test_a_preview_of_an_offer_sent_shows_the_cadence_stopping(
    client, deliver, db, greenhouse
):
    _stage_change(deliver)
    offer = {"application_id": 265277, "offer_status": "Created", "sent_on": "x"}
    body = encoded(webhook("offer_updated", {"offer": offer}))

    with clock.frozen_at(LATER):
        answer = client.post(
            "/webhooks/greenhouse/preview",
            data=body,
            headers={"Signature": signature(body)},
            content_type="application/json",
        )

    assert answer.status_code == 200
    (preview,) = answer.get_json()["applications"]
    assert preview["application"]["status"] == ApplicationStatus.OFFER_EXTENDED
    assert preview["stopped_reason"]
    assert _application(db).status == ApplicationStatus.ACTIVE  # nothing kept


def test_a_decision_without_a_time_of_its_own_takes_its_arrival(deliver, db):
    _stage_change(deliver)
    undated = application_payload(status="rejected")
    del undated["last_activity_at"]

    deliver("reject_candidate", {"application": undated}, at=LATER)

    assert _application(db).status == ApplicationStatus.REJECTED
    assert _application(db).source_updated_at == LATER
