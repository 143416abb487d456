"""One real-world interview, fed through every source, plans the same touchpoints.

The panel: Dana Okafor meets Lee Park and Ana Ruiz at Acme HQ on 1 December 2026,
14:00-15:00 in Chicago, for the Payroll Specialist job. Each feeder below tells the
service about it the way its source would; a new source (Greenhouse) is one more
entry in FEEDERS, given a stand-in that knows the same panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import Application
from plugin.operations.planning import touchpoints_of
from tests.bullhorn_fixtures import poll, seeded_bullhorn
from tests.conftest import DELETE, interview_event
from tests.fakes import ashby_api, lever_api
from tests.fakes.lever_api import NOW, STARTS


def _canonical() -> dict[str, Any]:
    """The panel in our own format, with only what every source can tell."""
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
                {"name": "Lee Park", "email": "lee@acme.example"},
                {"name": "Ana Ruiz", "email": "ana@acme.example"},
            ],
        }
    )


def feed_standard(world: dict[str, Any]) -> None:
    """A signed canonical event to `/webhooks/standard`."""
    assert world["post_event"](_canonical()).status_code == 202


def feed_lever(world: dict[str, Any]) -> None:
    """Lever's `interviewCreated`, the rest read from its API."""
    body = lever_api.delivery("interviewCreated", lever_api.interview_data(), NOW)
    assert lever_api.post(world["client"], body).status_code == 202


def feed_ashby(world: dict[str, Any]) -> None:
    """Ashby's `interviewScheduleCreate`, candidate and job read from its API."""
    payload = ashby_api.webhook(
        "interviewScheduleCreate",
        {"interviewSchedule": ashby_api.schedule(updated_at=NOW.isoformat())},
        "action-1",
    )
    assert ashby_api.post(world["client"], payload).status_code == 202


def feed_bullhorn(world: dict[str, Any]) -> None:
    """One poll of Bullhorn's event subscription, as the scheduler runs it."""
    poll(NOW)


FEEDERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "standard": feed_standard,
    "lever": feed_lever,
    "ashby": feed_ashby,
    "bullhorn": feed_bullhorn,
}


@pytest.fixture
def stand_ins(settings):
    """Every vendor's stand-in, each knowing the same panel."""
    with (
        lever_api.running_lever() as lever,
        ashby_api.running_ashby() as ashby,
        seeded_bullhorn(settings, []),
    ):
        lever_api.seed_tenant(lever, STARTS)
        ashby_api.seed_tenant(ashby)
        settings.update(lever_api.lever_settings(lever))
        settings.update(ashby_api.ashby_settings(ashby))
        yield


@pytest.fixture
def settings(settings, stand_ins):
    return settings


def _plan(db: Any, source: str) -> list[tuple[Any, ...]]:
    application = db.session.scalars(select(Application).filter_by(source=source)).one()
    return sorted(
        (tp.step, tp.slot, tp.status, tp.due_at)
        for tp in touchpoints_of(application.id)
    )


def test_every_source_plans_the_same_touchpoints(client, db, run_jobs, post_event):
    world = {"client": client, "post_event": post_event}
    with clock.frozen_at(NOW):
        for feed in FEEDERS.values():
            feed(world)
        run_jobs()

    plans = {source: _plan(db, source) for source in FEEDERS}
    assert [step for step, *_ in plans["standard"]].count("thank_you") == 1
    for source, plan in plans.items():
        assert plan == plans["standard"], source
