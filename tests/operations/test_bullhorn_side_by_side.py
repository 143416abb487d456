"""The same interview, via Bullhorn and as one canonical event, plans the same steps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import Application
from plugin.operations.planning import touchpoints_of
from tests.support.bullhorn_fixtures import poll, seeded_bullhorn
from tests.support.bullhorn_world import NOW
from tests.support.events import DELETE, interview_event


@pytest.fixture
def bullhorn(settings):
    with seeded_bullhorn(settings, []) as state:
        yield state


@pytest.fixture
def settings(settings, bullhorn):
    return settings


def _the_same_interview_as_a_canonical_event():
    """What Bullhorn knows about the panel, written in our own format."""
    return interview_event(
        **{
            "timestamp": NOW.isoformat(),
            "data.candidate.timezone": DELETE,
            "data.application.employer.timezone": DELETE,
            "data.application.hiring_manager": DELETE,
            "data.application.decision_deadline": DELETE,
            "data.application.recruiter.timezone": DELETE,
            "data.interview.location": "Acme HQ, Springfield",
            "data.interview.interviewers": [
                {
                    "name": "Lee Park",
                    "email": "lee@acme.example",
                    "title": "Payroll Manager",
                },
                {
                    "name": "Ana Ruiz",
                    "email": "ana@acme.example",
                    "title": "HR Partner",
                },
            ],
        }
    )


def _plan(db, source):
    application = db.session.scalars(select(Application).filter_by(source=source)).one()
    return sorted(
        (tp.step, tp.slot, tp.status, tp.due_at)
        for tp in touchpoints_of(application.id)
    )


def test_bullhorn_and_canonical_plan_the_same_touchpoints(
    bullhorn, app, db, run_jobs, post_event
):
    with clock.frozen_at(NOW):
        poll(NOW)
        assert post_event(_the_same_interview_as_a_canonical_event()).status_code == 202
        run_jobs()

    via_bullhorn, via_canonical = _plan(db, "bullhorn"), _plan(db, "standard")
    assert via_bullhorn == via_canonical
    assert [step for step, *_ in via_bullhorn].count("thank_you") == 1
