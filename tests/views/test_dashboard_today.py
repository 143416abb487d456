"""The dashboard's first screen: who needs the recruiter today, bucket by bucket."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from plugin import clock
from plugin.models import Application
from plugin.operations import actions
from tests.support.dashboard import (
    BOSS,
    INTERVIEW_DAY_NOON,
    KIMS_RECRUITER,
    SAM,
    add_applications,
    application_id,
)
from tests.support.events import interview_event
from tests.support.recruiter import sign_in

# Dec 12, 15:00 UTC: the deadline (Dec 8) plus three days has passed in Chicago.
CHECK_IN_DAY = datetime(2026, 12, 12, 15, 0, tzinfo=UTC)


def bucket(page: str, key: str) -> str:
    """The text of one bucket's section of the first screen."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{key}-heading">(.*?)</section>', page, re.S
    )
    assert match, f"no {key} bucket"
    return html.unescape(match.group(1))


def first_screen(client, at: datetime, query: str = "") -> str:
    with clock.frozen_at(at):
        response = client.get(f"/dashboard{query}")
    assert response.status_code == 200, response.text
    return response.text


def test_interviews_today_are_counted_in_the_readers_zone(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    page = first_screen(client, INTERVIEW_DAY_NOON)
    interviews = bucket(page, "interviews")

    assert "Interviews today (1)" in interviews
    # The interview starts at 14:00 in Chicago: 15:00 on Sam's New York clock.
    assert "Interview Tue 01 Dec 15:00 EST" in interviews
    assert "Payroll Specialist, Acme Logistics" in interviews
    assert "Times are in America/New_York (EST)" in page


def test_the_day_after_the_interview_it_is_not_today(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    page = first_screen(client, datetime(2026, 12, 2, 17, 0, tzinfo=UTC))

    assert "Interviews today (0)" in bucket(page, "interviews")


def test_a_competing_offer_is_listed_until_its_deadline(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    dana = db.session.get(Application, application_id(db, "a-5521"))
    actions.report_competing_offer(dana, "Globex", date(2026, 12, 4), None)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    on_deadline = bucket(
        first_screen(client, datetime(2026, 12, 4, 17, tzinfo=UTC)), "offers"
    )
    after = bucket(
        first_screen(client, datetime(2026, 12, 5, 17, tzinfo=UTC)), "offers"
    )

    assert "Competing offers (1)" in on_deadline
    assert "Offer from Globex ends Fri 04 Dec 2026" in on_deadline
    assert "Competing offers (0)" in after


def test_a_decision_past_its_deadline_is_overdue(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    on_the_day = first_screen(client, datetime(2026, 12, 8, 17, tzinfo=UTC))
    day_after = first_screen(client, datetime(2026, 12, 9, 17, tzinfo=UTC))

    assert "Decisions overdue (0)" in bucket(on_the_day, "overdue")
    assert "Decisions overdue (1)" in bucket(day_after, "overdue")
    assert "Decision was due Tue 08 Dec 2026" in bucket(day_after, "overdue")


def test_a_check_in_is_due_on_its_day_and_gone_once_heard_back(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    before = first_screen(client, datetime(2026, 12, 10, 17, tzinfo=UTC))
    due = first_screen(client, CHECK_IN_DAY)
    with clock.frozen_at(CHECK_IN_DAY):
        dana = db.session.get(Application, application_id(db, "a-5521"))
        actions.report_heard_back(dana, "rejected")
    heard = first_screen(client, CHECK_IN_DAY)

    assert "Check-ins due (0)" in bucket(before, "check_ins")
    assert "Check-ins due (1)" in bucket(due, "check_ins")
    assert "Check-ins due (0)" in bucket(heard, "check_ins")


def test_a_recruiter_sees_only_their_own(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.first_name": "Ravi",
                "data.candidate.last_name": "Shah",
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": KIMS_RECRUITER,
            }
        )
    )
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    page = first_screen(client, INTERVIEW_DAY_NOON)

    assert "Dana Okafor" in page and "Ravi Shah" not in page
    assert "Interviews today (1)" in bucket(page, "interviews")


def test_an_admin_sees_everyone_and_filters_by_recruiter(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.first_name": "Ravi",
                "data.candidate.last_name": "Shah",
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": KIMS_RECRUITER,
            }
        )
    )
    run_jobs()
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)
    kim = db.session.get(Application, application_id(db, "a-kim")).recruiter_id

    everyone = first_screen(client, INTERVIEW_DAY_NOON)
    every_recruiter = first_screen(client, INTERVIEW_DAY_NOON, "?recruiter=")
    kims = first_screen(client, INTERVIEW_DAY_NOON, f"?recruiter={kim}")

    assert "Interviews today (2)" in bucket(everyone, "interviews")
    assert "Interviews today (2)" in bucket(every_recruiter, "interviews")
    assert "Interviews today (1)" in bucket(kims, "interviews")
    assert "Ravi Shah" in kims and "Dana Okafor" not in kims


def test_a_bad_recruiter_filter_is_a_400_naming_the_field(
    db, client, smtp, post_event, run_jobs
):
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)

    answer = client.get("/dashboard?recruiter=kim")

    assert answer.status_code == 400
    assert "<strong>recruiter</strong>: Not a valid integer value." in answer.text


def test_only_admins_filter_by_recruiter(db, client, smtp, post_event, run_jobs):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    answer = client.get("/dashboard?recruiter=1")

    assert answer.status_code == 400
    assert "Only admins can filter by recruiter." in answer.text


def test_a_long_bucket_lists_its_first_rows_and_counts_them_all(
    db, client, smtp, post_event, run_jobs, monkeypatch
):
    from plugin.views import dashboard

    monkeypatch.setattr(dashboard, "BUCKET_ROWS_SHOWN", 2)
    add_applications(db, post_event, run_jobs, 0, 3)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    interviews = bucket(first_screen(client, INTERVIEW_DAY_NOON), "interviews")

    assert "Interviews today (3)" in interviews
    assert interviews.count("<tr>") == 3  # the header and two rows
    assert "The first 2 of 3, most pressing first." in interviews
