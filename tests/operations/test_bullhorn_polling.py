"""Polling Bullhorn end to end: stand-in API → inbox → applications and plans."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import (
    ApplicationStatus,
    Interview,
    InterviewStatus,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations import sources
from plugin.operations.preview import preview_application
from tests.support.bullhorn_fixtures import (
    poll,
    seeded_bullhorn,
    state_row,
    stored_bodies,
    the_application,
    the_interview,
)
from tests.support.bullhorn_world import APPLICATION_ID, NOW, STARTS, ms, seed_panel
from webhooks import SourceUnavailable


@pytest.fixture
def waits():
    return []


@pytest.fixture
def bullhorn(settings, waits):
    with seeded_bullhorn(settings, waits) as state:
        yield state


@pytest.fixture
def settings(settings, bullhorn):
    return settings


def _poll_and_process(run_jobs, at=NOW):
    report = poll(at)
    with clock.frozen_at(at):
        run_jobs()
    return report


def test_first_poll_subscribes_and_backfills_the_upcoming_interview(
    bullhorn, app, db, run_jobs
):
    report = _poll_and_process(run_jobs)

    assert bullhorn.subscriptions["followup"] == {
        "names": ["Appointment", "JobSubmission", "Placement"],
        "eventTypes": ["INSERTED", "UPDATED", "DELETED"],
    }
    assert report.stored == 1
    interview = the_interview()
    assert interview.external_id == "9001"
    assert interview.starts_at == STARTS
    assert [(i.name, i.title) for i in interview.interviewers] == [
        ("Lee Park", "Payroll Manager"),
        ("Ana Ruiz", "HR Partner"),
    ]
    application = the_application()
    assert application.external_id == APPLICATION_ID
    assert application.employer_name == "Acme Logistics"
    assert application.employer_mailing_address == "100 Main St, Springfield, IL 62701"
    assert application.recruiter.email == "sam@staffing.example"
    assert state_row().connection == "connected"


def _touchpoints(db, application_id):
    return db.session.scalars(
        select(Touchpoint).filter_by(application_id=application_id)
    ).all()


def _connected(bullhorn, run_jobs):
    """The first poll (subscribe and backfill) is behind us."""
    _poll_and_process(run_jobs)
    bullhorn.calls.clear()
    bullhorn.seen_urls.clear()


def test_a_new_interview_is_stored_and_planned_in_few_calls(
    bullhorn, app, db, run_jobs
):
    _connected(bullhorn, run_jobs)
    seed_panel(bullhorn, 9201)
    bullhorn.publish("Appointment", 9201, "INSERTED")
    later = NOW + timedelta(minutes=1)

    report = _poll_and_process(run_jobs, later)

    assert report.stored == 1
    interviews = {i.external_id for i in db.session.scalars(_interviews())}
    assert interviews == {"9001", "9201"}
    # events, appointments, job orders, attendees, client contacts
    assert [
        path.rsplit("/corp1/", 1)[1].split("/")[0] for _, path in bullhorn.rest_calls()
    ] == ["event", "entity", "entity", "query", "entity"]
    steps = {tp.step for tp in _touchpoints(db, the_application().id)}
    assert "thank_you" in steps


def _interviews():
    return select(Interview).filter_by(source="bullhorn")


def test_an_empty_batch_costs_one_call_and_stores_nothing(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)

    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert report.stored == 0 and report.batches == 1
    assert len(bullhorn.rest_calls()) == 1
    assert state_row().last_result == "ok: 0 new event(s)"


def test_parent_and_child_appointments_are_one_interview(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    bullhorn.publish("Appointment", 9001, "UPDATED", ["location"])
    bullhorn.publish("Appointment", 9002, "UPDATED", ["location"])

    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert report.stored == 2
    assert [i.external_id for i in db.session.scalars(_interviews())] == ["9001"]
    names = [i.name for i in the_interview().interviewers]
    assert "Sam Rivera" not in names and "Kim Lee" not in names


def test_a_reschedule_moves_the_interview(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    moved = STARTS + timedelta(days=1)
    record = bullhorn.entities["Appointment"][9001]
    record["dateBegin"], record["dateEnd"] = ms(moved), ms(moved + timedelta(hours=1))
    bullhorn.publish("Appointment", 9001, "UPDATED", ["dateBegin", "dateEnd"])

    _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    body = stored_bodies()[-1]
    assert body["event"]["updatedProperties"] == ["dateBegin", "dateEnd"]
    assert the_interview().starts_at == moved
    assert the_interview().status == InterviewStatus.SCHEDULED


def test_a_deleted_appointment_cancels_the_interview(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    bullhorn.entities["Appointment"][9001]["isDeleted"] = True
    bullhorn.publish("Appointment", 9001, "DELETED")

    _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert the_interview().status == InterviewStatus.CANCELLED


def test_a_rejected_submission_ends_the_application(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    bullhorn.entities["JobSubmission"][9100]["status"] = "Client Rejected"
    bullhorn.publish("JobSubmission", 9100, "UPDATED", ["status"])

    _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert the_application().status == ApplicationStatus.REJECTED


def test_a_placement_stops_the_cadence(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    application_id = the_application().id
    assert any(
        tp.status == TouchpointStatus.PLANNED for tp in _touchpoints(db, application_id)
    )
    bullhorn.add(
        "Placement",
        {
            "id": 700,
            "dateAdded": ms(NOW),
            "candidate": {"id": 881},
            "jobOrder": {"id": 5521},
        },
    )
    bullhorn.publish("Placement", 700, "INSERTED")

    _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert the_application().status == ApplicationStatus.HIRED
    assert not any(
        tp.status == TouchpointStatus.PLANNED for tp in _touchpoints(db, application_id)
    )


def test_a_duplicate_event_in_a_batch_applies_once(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    bullhorn.publish("Appointment", 9001, "UPDATED", ["location"])
    bullhorn.queue.append(dict(bullhorn.queue[-1]))

    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert (report.stored, report.duplicates) == (1, 1)


def test_an_expired_session_mid_poll_logs_in_again(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    bullhorn.publish("Appointment", 9001, "UPDATED", ["location"])
    bullhorn.fail("entity/Appointment", 401)  # the session lapsed after the read

    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert report.stored == 1
    logins = [path for _, path in bullhorn.calls if path.endswith("/login")]
    assert logins == ["/dc/rest-services/login"]
    assert ("POST", "/oauth/token") in bullhorn.calls


def test_a_429_waits_as_long_as_retry_after_says(bullhorn, app, db, run_jobs, waits):
    _connected(bullhorn, run_jobs)
    bullhorn.fail("event/subscription", 429, **{"Retry-After": "3"})

    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert report.batches == 1
    assert waits == [3.0]


def test_500s_back_off_then_succeed(bullhorn, app, db, run_jobs, waits):
    _connected(bullhorn, run_jobs)
    bullhorn.fail("event/subscription", 500, times=2)

    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    assert report.batches == 1
    assert waits == [1.0, 2.0]


def test_an_outage_is_a_clear_state_and_health_stays_200(
    bullhorn, app, db, client, run_jobs
):
    _connected(bullhorn, run_jobs)
    bullhorn.fail("event/subscription", 503, times=10)

    with pytest.raises(SourceUnavailable):
        poll(NOW + timedelta(minutes=1))

    row = state_row()
    assert (row.connection, row.last_result) == ("failing", "error")
    assert row.last_error == "Bullhorn GET event/subscription/followup kept failing"
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["status"]) == (200, "degraded")
    sources = health.get_json()["checks"]["sources"]
    assert sources["polled"]["bullhorn"]["connection"] == "failing"
    assert sources["status"] == "degraded"


class Killed(BaseException):
    """The process dies: no handler runs."""


def test_a_crash_between_reading_and_storing_rereads_the_batch(
    bullhorn, app, db, run_jobs, monkeypatch
):
    _connected(bullhorn, run_jobs)
    bullhorn.publish("Appointment", 9001, "UPDATED", ["location"])
    real_store = sources._store

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(sources, "_store", die)
    with pytest.raises(Killed):
        poll(NOW + timedelta(minutes=1))
    assert bullhorn.queue == []  # Bullhorn purged the batch when it was read
    monkeypatch.setattr(sources, "_store", real_store)

    with pytest.raises(sources.SourceBusy):  # the dead poll's lease still holds
        poll(NOW + timedelta(minutes=2))
    report = _poll_and_process(run_jobs, NOW + timedelta(minutes=20))

    assert report.stored == 1
    assert any("requestId=" in url for url in bullhorn.seen_urls)


def test_reconciliation_cancels_an_interview_bullhorn_no_longer_has(
    bullhorn, app, db, run_jobs
):
    _connected(bullhorn, run_jobs)
    del bullhorn.entities["Appointment"][9001]

    report = _poll_and_process(run_jobs, NOW + timedelta(days=1, minutes=1))

    assert "reconciled 1 open interview(s)" in report.notes
    assert the_interview().status == InterviewStatus.CANCELLED


def test_two_pollers_never_poll_one_source_at_once(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    gate = bullhorn.hold("event/subscription/followup")
    outcome = {}

    def first_poller():
        with app.app_context():
            outcome["report"] = poll(NOW + timedelta(minutes=1))

    thread = threading.Thread(target=first_poller)
    thread.start()
    while not any("maxEvents" in url for url in bullhorn.seen_urls):
        time.sleep(0.01)  # the first poller is inside Bullhorn now
    try:
        with pytest.raises(sources.SourceBusy):
            poll(NOW + timedelta(minutes=1))
    finally:
        gate.set()
        thread.join(10)

    assert outcome["report"].batches == 1
    assert state_row().poll_started_at is None


def test_a_garbled_batch_is_skipped_and_polling_goes_on(bullhorn, app, db, run_jobs):
    _connected(bullhorn, run_jobs)
    bullhorn.fail("event/subscription/followup", 200)  # JSON without "events"

    garbled = _poll_and_process(run_jobs, NOW + timedelta(minutes=1))
    bullhorn.publish("Appointment", 9001, "UPDATED", ["location"])
    after = _poll_and_process(run_jobs, NOW + timedelta(minutes=2))

    assert (garbled.stored, after.stored) == (0, 1)
    assert state_row().connection == "connected"


def test_a_placement_shows_on_the_timeline_as_from_bullhorn(
    bullhorn, app, db, run_jobs
):
    _connected(bullhorn, run_jobs)
    bullhorn.add(
        "Placement",
        {
            "id": 701,
            "dateAdded": ms(NOW),
            "candidate": {"id": 881},
            "jobOrder": {"id": 5521},
        },
    )
    bullhorn.publish("Placement", 701, "INSERTED")

    _poll_and_process(run_jobs, NOW + timedelta(minutes=1))

    timeline = preview_application(the_application())["timeline"]
    decisions = [row for row in timeline if row["kind"] == "decision"]
    assert [(r["detail"], r["actor_kind"], r["actor"]) for r in decisions] == [
        ("status set to hired", "ats", "from Bullhorn")
    ]
