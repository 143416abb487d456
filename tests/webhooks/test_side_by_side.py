"""One real-world interview, fed through every source, plans the same touchpoints.

The panel: Dana Okafor meets Lee Park and Ana Ruiz at Acme HQ on 1 December 2026,
14:00-15:00 in Chicago, for the Payroll Specialist job. Each feeder below tells the
service about it the way its source would: the canonical format, Lever, Ashby,
Bullhorn (polled), Greenhouse by web hook (a stage change, the interview read from
Harvest) and Greenhouse polled (Harvest alone). Each stand-in knows the same panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import Application
from plugin.operations.planning import touchpoints_of
from plugin.operations.sources import poll_source
from tests.fakes import ashby_api, greenhouse_api, lever_api
from tests.fakes.lever_api import NOW, STARTS
from tests.support.bullhorn_fixtures import poll, seeded_bullhorn
from tests.support.events import DELETE, interview_event
from tests.support.greenhouse_fixtures import seeded_greenhouse


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


def feed_greenhouse(world: dict[str, Any]) -> None:
    """Greenhouse's `candidate_stage_change`; the interview read from Harvest v3."""
    payload = greenhouse_api.webhook(
        "candidate_stage_change",
        {"application": greenhouse_api.application_payload()},
    )
    assert greenhouse_api.post(world["client"], payload).status_code == 200


def feed_greenhouse_polled(world: dict[str, Any]) -> None:
    """One poll of Harvest v3, as the scheduler runs it (no web hook at all)."""
    assert poll_source("greenhouse").stored == 1


FEEDERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "standard": feed_standard,
    "lever": feed_lever,
    "ashby": feed_ashby,
    "bullhorn": feed_bullhorn,
    "greenhouse": feed_greenhouse,
}


@pytest.fixture
def stand_ins(settings):
    """Every vendor's stand-in, each knowing the same panel."""
    with (
        lever_api.running_lever() as lever,
        ashby_api.running_ashby() as ashby,
        seeded_bullhorn(settings, []),
        seeded_greenhouse(settings),
    ):
        lever_api.seed_tenant(lever, STARTS)
        ashby_api.seed_tenant(ashby)
        settings.update(lever_api.lever_settings(lever))
        settings.update(ashby_api.ashby_settings(ashby))
        # Harvest's times are UTC: the firm says its Greenhouse employer is in Chicago.
        with open(settings["POLICY_FILE"], "a", encoding="utf-8") as policy:
            policy.write('\n[sources.greenhouse]\ntimezone = "America/Chicago"\n')
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


def test_greenhouse_polled_plans_what_the_canonical_event_plans(
    client, db, run_jobs, post_event
):
    world = {"client": client, "post_event": post_event}
    with clock.frozen_at(NOW):
        feed_standard(world)
        run_jobs()
    canonical = _plan(db, "standard")
    with clock.frozen_at(NOW):
        feed_greenhouse_polled(world)
        run_jobs()

    assert _plan(db, "greenhouse") == canonical
