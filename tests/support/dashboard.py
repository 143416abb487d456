"""Building a recruiter's book of applications for the dashboard's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


def a_recruiters_morning(post, tick, now: datetime) -> dict[str, str]:
    """Five applications around the real `now`: an interview today, a decision
    overdue with its check-in due, one whose check-in went, and two decided ones
    for the outcomes. Past rounds get their thank-you and note on
    time (`tick(instant)` runs the tick then). Returns ATS ids by key."""
    chicago, new_york = ZoneInfo("America/Chicago"), ZoneInfo("America/New_York")
    midnight = datetime.combine(
        now.astimezone(new_york).date() + timedelta(days=1), time(0), new_york
    )
    # Today in New York (Sam's zone), even late in the evening.
    today = min(now + timedelta(minutes=30), midnight - timedelta(hours=2))

    def afternoon(days_ago: int) -> datetime:
        day = now.astimezone(chicago).date() - timedelta(days=days_ago)
        return datetime.combine(day, time(14), chicago)

    people = {
        "today": ("Dana", "Okafor", today, 7, None),
        "waiting": ("Ravi", "Shah", afternoon(12), -8, None),
        "hired": ("Mei", "Chen", afternoon(20), -10, ("hired", 6)),
        "rejected": ("Lucas", "Silva", afternoon(15), -5, ("rejected", 2)),
        "checked_in": ("Ana", "Ruiz", afternoon(16), -12, None),
    }
    for key, (first, last, start, deadline_days, decision) in people.items():
        changes = {
            "data.candidate.id": f"c-{key}",
            "data.candidate.first_name": first,
            "data.candidate.last_name": last,
            "data.candidate.email": f"{key}@example.org",
            "data.application.id": f"a-{key}",
            "data.application.decision_deadline": (
                now.date() + timedelta(days=deadline_days)
            ).isoformat(),
            "data.interview.id": f"i-{key}",
            "data.interview.starts_at": start.isoformat(),
            "data.interview.ends_at": (start + timedelta(hours=1)).isoformat(),
            "timestamp": (start - timedelta(days=2)).isoformat(),
        }
        post(interview_event(**changes))
        if start < now:
            tick(start + timedelta(hours=2, minutes=30))  # the thank-you
            tick(start + timedelta(days=1, hours=3))  # the handwritten note
        if key == "checked_in":  # the deadline plus three days, in the afternoon
            tick(afternoon(-deadline_days - 4) + timedelta(hours=1))
        if decision:
            kind, days_ago = decision
            stamp = (now - timedelta(days=days_ago)).isoformat()
            decided = {**changes, "type": f"application.{kind}", "timestamp": stamp}
            post(interview_event(**decided))
    return {key: f"a-{key}" for key in people}
