"""Polling Bullhorn end to end: stand-in API → inbox → applications and plans."""

from __future__ import annotations

import pytest

from plugin import clock
from tests.bullhorn_fixtures import (
    poll,
    seeded_bullhorn,
    state_row,
    the_application,
    the_interview,
)
from tests.bullhorn_world import APPLICATION_ID, NOW, STARTS


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
