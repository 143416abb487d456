"""`followup sources list|check|poll`, against the stand-in Bullhorn."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import InboxEvent, InboxStatus
from tests.support.bullhorn_fixtures import seeded_bullhorn
from tests.support.bullhorn_world import NOW


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


def _invoke(runner, *args):
    with clock.frozen_at(NOW):
        return runner.invoke(args=["sources", *args])


def test_poll_exits_0_and_prints_what_it_stored(bullhorn, runner):
    result = _invoke(runner, "poll", "bullhorn")

    assert result.exit_code == 0, result.output
    assert "bullhorn: subscribed; backfilled 1 interview(s)" in result.output
    assert "bullhorn: stored 1 new event(s) from 1 batch(es); 0 duplicate(s)" in (
        result.output
    )


def test_poll_of_an_unknown_source_exits_2(bullhorn, runner):
    result = _invoke(runner, "poll", "workday")

    assert result.exit_code == 2
    assert "no source called 'workday'" in result.output


def test_poll_of_a_push_only_source_exits_2(bullhorn, runner):
    result = _invoke(runner, "poll", "standard")

    assert result.exit_code == 2
    assert "standard is push-only" in result.output


def test_poll_of_an_unconfigured_source_names_the_variables(bullhorn, app, runner):
    app.config["BULLHORN_PASSWORD"] = None
    app.config["BULLHORN_CLIENT_SECRET"] = ""

    result = _invoke(runner, "poll", "bullhorn")

    assert result.exit_code == 2
    assert "set BULLHORN_CLIENT_SECRET, BULLHORN_PASSWORD" in result.output


def test_a_vendor_failure_exits_1_with_one_line(bullhorn, runner):
    bullhorn.password = "changed by an admin"

    result = _invoke(runner, "poll", "bullhorn")

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: bullhorn: Bullhorn authorize gave no code: check BULLHORN_USERNAME, "
        "BULLHORN_PASSWORD and BULLHORN_CLIENT_ID"
    ]
    assert bullhorn.password not in result.output


def test_check_finds_the_subscription_after_a_poll(bullhorn, runner):
    assert "is absent" in _invoke(runner, "check", "bullhorn").output
    _invoke(runner, "poll", "bullhorn")

    result = _invoke(runner, "check", "bullhorn")

    assert result.exit_code == 0
    assert "Subscription 'followup' is present (last requestId 0)." in result.output


def test_list_json_shows_push_and_pull_sources(bullhorn, runner):
    _invoke(runner, "poll", "bullhorn")

    result = _invoke(runner, "list", "--json")

    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["standard"]["kinds"] == ["push"]
    assert rows["bullhorn"]["kinds"] == ["pull"]
    assert rows["bullhorn"]["configured"] is True
    assert rows["bullhorn"]["state"] == "connected"
    assert rows["bullhorn"]["last_result"] == "ok: 1 new event(s)"
    assert rows["bullhorn"]["backlog"] == 1  # stored, its job not yet run


def test_a_pulled_event_replays_like_a_pushed_one_without_bullhorn(
    bullhorn, runner, db, run_jobs
):
    _invoke(runner, "poll", "bullhorn")
    with clock.frozen_at(NOW):
        run_jobs()
    event = db.session.scalars(select(InboxEvent).filter_by(source="bullhorn")).one()
    bullhorn.calls.clear()

    result = runner.invoke(args=["events", "replay", str(event.id)])
    with clock.frozen_at(NOW):
        run_jobs()

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(InboxEvent, event.id).status == InboxStatus.PROCESSED
    assert bullhorn.calls == []  # the stored body holds everything needed
