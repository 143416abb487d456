"""Polling Harvest v3 for scheduled interviews: pages, statuses, all-day, outages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from plugin.models import (
    Application,
    InboxEvent,
    InboxStatus,
    Interview,
    InterviewStatus,
    SourceState,
    TouchpointStatus,
)
from plugin.operations.planning import touchpoints_of
from tests.fakes.greenhouse_api import greenhouse_settings, interview_record
from tests.support.greenhouse_fixtures import NOW, STARTS, poll, seeded_greenhouse
from webhooks import SourceUnavailable


@pytest.fixture
def greenhouse():
    with seeded_greenhouse({}) as state:
        yield state


@pytest.fixture
def settings(settings, greenhouse):
    settings.update(greenhouse_settings(greenhouse))
    return settings


def _interview(db):
    db.session.expire_all()
    return db.session.scalars(select(Interview)).one()


def _plan(db):
    application = db.session.scalars(select(Application)).one()
    return {tp.step: tp for tp in touchpoints_of(application.id)}


def _stored(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def _update(greenhouse, at, **changes):
    greenhouse.add("interviews", interview_record(updated_at=at.isoformat(), **changes))


def test_a_poll_stores_the_interview_with_its_people_and_plans(
    app, db, run_jobs, greenhouse
):
    report = poll()
    run_jobs()

    assert report.stored == 1
    interview = _interview(db)
    assert interview.starts_at == STARTS
    assert [(p.name, p.email) for p in interview.interviewers] == [
        ("Lee Park", "lee@acme.example"),
        ("Ana Ruiz", "ana@acme.example"),
    ]
    assert interview.application.candidate.email == "dana@example.org"
    assert interview.application.job_title == "Payroll Specialist"
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED
    assert dict(greenhouse.calls) == {
        "POST /token": 1,
        "GET /v3/interviews": 1,
        "GET /v3/applications": 1,
        "GET /v3/candidates": 1,
        "GET /v3/jobs": 1,
    }


def test_a_poll_with_nothing_new_reads_one_list_and_stores_nothing(app, db, greenhouse):
    poll()
    greenhouse.calls.clear()

    report = poll(NOW + timedelta(minutes=1))

    assert (report.stored, report.duplicates) == (0, 0)
    assert dict(greenhouse.calls) == {"GET /v3/interviews": 1}


def test_pages_are_followed_by_the_link_header_as_given(app, db, greenhouse):
    for n in range(1, 4):
        _update(greenhouse, NOW, id=113101 + n, application_id=265277)
    greenhouse.per_page_cap = 2

    report = poll()

    assert report.stored == 4
    assert greenhouse.calls["GET /v3/interviews"] == 2
    assert greenhouse.refused_cursors == 0


def test_a_moved_interview_moves_the_planned_steps(app, db, run_jobs, greenhouse):
    poll()
    run_jobs()
    before = _plan(db)["thank_you"].due_at

    later = NOW + timedelta(hours=1)
    _update(
        greenhouse,
        later,
        start_at="2026-12-02T20:00:00Z",
        end_at="2026-12-02T21:00:00Z",
    )
    poll(later)
    run_jobs()

    assert _plan(db)["thank_you"].due_at - before == timedelta(days=1)


def test_status_moves_from_scheduled_to_awaiting_feedback_to_complete(
    app, db, run_jobs, greenhouse
):
    poll()
    run_jobs()
    seen = [_interview(db).status]
    for hours, status in [(30, "awaiting_feedback"), (60, "complete")]:
        at = NOW + timedelta(hours=hours)
        _update(greenhouse, at, status=status)
        poll(at)
        run_jobs()
        seen.append(_interview(db).status)

    assert seen == [
        InterviewStatus.SCHEDULED,
        InterviewStatus.COMPLETED,
        InterviewStatus.COMPLETED,
    ]
    assert [row.event_type for row in _stored(db)] == [
        "interview.scheduled",
        "interview.awaiting_feedback",
        "interview.complete",
    ]
    assert all(row.status == InboxStatus.PROCESSED for row in _stored(db))


def test_an_all_day_interview_is_coached_as_a_working_day(
    app, db, run_jobs, greenhouse
):
    _update(
        greenhouse,
        NOW,
        start_at=None,
        end_at=None,
        all_day_start_on="2026-12-03",
        all_day_end_on="2026-12-03",
    )

    poll()
    run_jobs()

    interview = _interview(db)
    zone = app.config["POLICY"].firm.timezone
    local = interview.starts_at.astimezone(ZoneInfo(zone))
    assert (local.date().isoformat(), local.hour) == ("2026-12-03", 9)
    assert interview.ends_at - interview.starts_at == timedelta(hours=8)
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED


def test_an_interview_still_to_be_scheduled_is_kept_as_ignored(
    app, db, run_jobs, greenhouse
):
    _update(greenhouse, NOW, status="to_be_scheduled", start_at=None, end_at=None)

    poll()
    run_jobs()

    (row,) = _stored(db)
    assert row.status == InboxStatus.IGNORED
    assert db.session.scalars(select(Interview)).all() == []


def test_harvest_down_fails_the_poll_and_the_next_one_catches_up(
    app, db, run_jobs, greenhouse, runner
):
    greenhouse.fail_with = 502
    with pytest.raises(SourceUnavailable):
        poll()

    state = db.session.get(SourceState, "greenhouse")
    assert (state.connection, state.cursor) == ("failing", {})
    listed = runner.invoke(args=["sources", "list", "--json"])
    row = {r["name"]: r for r in json.loads(listed.output)}["greenhouse"]
    assert row["configured"] is True

    greenhouse.fail_with = None
    report = poll(NOW + timedelta(minutes=5))
    run_jobs()

    assert report.stored == 1
    assert _plan(db)["thank_you"].status == TouchpointStatus.PLANNED


def test_the_cursor_is_the_newest_update_seen(app, db, greenhouse):
    later = NOW + timedelta(hours=2)
    _update(greenhouse, later, id=113102)

    poll()

    state = db.session.get(SourceState, "greenhouse")
    assert datetime.fromisoformat(state.cursor["updated_since"]) == later
    assert state.cursor["seen_at_boundary"] == [f"113102:{later.isoformat()}"]


def test_check_reports_the_token_and_a_read(app, runner, greenhouse):
    result = runner.invoke(args=["sources", "check", "greenhouse"])

    assert result.exit_code == 0, result.output
    assert "Harvest v3 token for user 4080" in result.output
    assert greenhouse.subjects == ["4080"]
