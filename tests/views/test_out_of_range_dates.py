"""Dates outside the accepted years, typed into the plan page and the dashboard."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plugin.mail.links import PLAN_PAGE, make_token
from plugin.models import Application, TimelineEntry
from tests.support.events import interview_event as event
from tests.support.forms import csrf_token
from tests.support.recruiter import sign_in

SAM = "sam@staffing.example"
OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]


@pytest.fixture
def plan_path(db, post_event, run_jobs) -> str:
    assert post_event(event()).status_code == 202
    run_jobs()
    application = db.session.scalars(select(Application)).one()
    return f"/plan/{make_token(PLAN_PAGE, application.id)}"


def the_application(db) -> Application:
    db.session.expire_all()
    return db.session.scalars(select(Application)).one()


def post_on_page(client, path: str, action: str, data: dict):
    page = client.get(path)
    return client.post(
        f"{path}/{action}", data={"csrf_token": csrf_token(page.text), **data}
    )


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_plan_page_refuses_an_out_of_range_deadline_with_a_page(
    db, client, plan_path, day
):
    answer = post_on_page(client, plan_path, "deadline", {"decision_deadline": day})

    assert answer.status_code == 400
    assert answer.mimetype == "text/html"
    assert "Choose a date between 2000 and 2100." in answer.text
    assert the_application(db).decision_deadline.isoformat() == "2026-12-08"


def test_paused_application_keeps_its_deadline_and_resumes(db, client, plan_path):
    paused = post_on_page(client, plan_path, "pause", {"until": ""})
    assert paused.status_code == 303

    refused = post_on_page(
        client, plan_path, "deadline", {"decision_deadline": "9999-12-31"}
    )
    resumed = post_on_page(client, plan_path, "resume", {})

    assert refused.status_code == 400
    assert resumed.status_code == 303
    application = the_application(db)
    assert application.decision_deadline.isoformat() == "2026-12-08"
    assert application.paused_at is None
    details = db.session.scalars(select(TimelineEntry.detail)).all()
    assert not any("9999" in detail for detail in details)


def test_plan_page_still_takes_a_deadline_in_range(db, client, plan_path):
    answer = post_on_page(
        client, plan_path, "deadline", {"decision_deadline": "2026-12-18"}
    )

    assert answer.status_code == 303
    assert the_application(db).decision_deadline.isoformat() == "2026-12-18"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dashboard_refuses_an_out_of_range_deadline_with_a_page(
    db, client, smtp, run_jobs, plan_path, day
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    path = f"/dashboard/applications/{the_application(db).id}"

    answer = post_on_page(client, path, "deadline", {"decision_deadline": day})

    assert answer.status_code == 400
    assert answer.mimetype == "text/html"
    assert the_application(db).decision_deadline.isoformat() == "2026-12-08"


def test_dashboard_refuses_a_pause_until_year_9999(
    db, client, smtp, run_jobs, plan_path
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    path = f"/dashboard/applications/{the_application(db).id}"

    answer = post_on_page(client, path, "pause", {"until": "9999-12-31"})

    assert answer.status_code == 400
    assert the_application(db).paused_at is None
