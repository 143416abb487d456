"""Building a recruiter's book of applications for the dashboard's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from plugin.models import Application
from plugin.operations import actions
from tests.support.events import interview_event

SAM, KIM, BOSS = "sam@staffing.example", "kim@staffing.example", "boss@staffing.example"
# Noon in New York (Sam's zone) on the day of the example interview.
INTERVIEW_DAY_NOON = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
KIMS_RECRUITER = {"id": "r-9", "name": "Kim Lee", "email": KIM}


def application_id(db, external_id: str) -> int:
    """Our id of the application with this ATS id."""
    return db.session.scalar(select(Application.id).filter_by(external_id=external_id))


def add_applications(db, post_event, run_jobs, start: int, count: int, **changes):
    """`count` more of the example interview, one candidate each; every other
    one with a competing offer, so each bucket of the first screen has rows."""
    for number in range(start, start + count):
        post_event(
            interview_event(
                **{
                    "data.candidate.id": f"c-{number}",
                    "data.candidate.first_name": f"Person{number}",
                    "data.candidate.email": f"p{number}@example.org",
                    "data.application.id": f"a-{number}",
                    "data.interview.id": f"i-{number}",
                    **changes,
                }
            )
        )
    run_jobs()
    for number in range(start, start + count, 2):
        found = db.session.get(Application, application_id(db, f"a-{number}"))
        actions.report_competing_offer(found, "Globex", date(2026, 12, 20), None)
    run_jobs()
