"""The recruiter's settings page: a daily or a weekly digest, CSRF-protected."""

from __future__ import annotations

import html
import re

from sqlalchemy import delete, select

from plugin.models import Recruiter
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.recruiter import sign_in

SAM = "sam@staffing.example"


def sam_signed_in(db, client, smtp, post_event, run_jobs) -> Recruiter:
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    return db.session.scalars(select(Recruiter).filter_by(email=SAM)).one()


def checked(page: str) -> str:
    """The value of the radio button the page shows as chosen."""
    (value,) = re.findall(r'<input checked[^>]*value="(\w+)"', page)
    return value


def frequency_of(db, recruiter: Recruiter) -> str:
    db.session.expire_all()
    return recruiter.digest_frequency


def test_a_recruiter_chooses_the_weekly_digest(db, client, smtp, post_event, run_jobs):
    sam = sam_signed_in(db, client, smtp, post_event, run_jobs)
    page = client.get("/dashboard/settings")

    answer = client.post(
        "/dashboard/settings",
        data={"csrf_token": csrf_token(page.text), "frequency": "weekly"},
    )
    after = html.unescape(client.get("/dashboard/settings").text)

    assert page.status_code == 200
    assert checked(page.text) == "daily"
    assert answer.status_code == 303
    assert frequency_of(db, sam) == "weekly"
    assert "Your digest now comes once a week, on Monday morning." in after
    assert checked(after) == "weekly"


def test_the_settings_link_is_in_the_dashboard_menu(
    db, client, smtp, post_event, run_jobs
):
    sam_signed_in(db, client, smtp, post_event, run_jobs)

    page = client.get("/dashboard")

    assert 'href="/dashboard/settings"' in page.text


def test_a_bad_frequency_is_refused_naming_the_field(
    db, client, smtp, post_event, run_jobs
):
    sam = sam_signed_in(db, client, smtp, post_event, run_jobs)
    page = client.get("/dashboard/settings")

    answer = client.post(
        "/dashboard/settings",
        data={"csrf_token": csrf_token(page.text), "frequency": "hourly"},
    )
    missing = client.post(
        "/dashboard/settings", data={"csrf_token": csrf_token(page.text)}
    )

    assert answer.status_code == 400
    assert 'id="frequency-error"' in answer.text
    assert "How often should your digest come?" in answer.text
    assert missing.status_code == 400
    assert "Choose daily or weekly." in missing.text
    assert frequency_of(db, sam) == "daily"


def test_a_post_without_the_csrf_token_changes_nothing(
    db, client, smtp, post_event, run_jobs
):
    sam = sam_signed_in(db, client, smtp, post_event, run_jobs)

    answer = client.post("/dashboard/settings", data={"frequency": "weekly"})

    assert answer.status_code == 400
    assert frequency_of(db, sam) == "daily"


def test_the_settings_need_a_session(db, client):
    answer = client.get("/dashboard/settings")
    posted = client.post("/dashboard/settings", data={"frequency": "weekly"})

    assert answer.status_code in (302, 303) and "/login" in answer.location
    assert posted.status_code == 400  # no session, so no CSRF token either


def test_a_user_who_is_no_recruiter_has_no_digest_to_set(db, client, smtp, run_jobs):
    sign_in(client, smtp, "boss@staffing.example", admin=True, run_jobs=run_jobs)
    # Admins made before admins had a recruiter record have none.
    db.session.execute(delete(Recruiter))
    db.session.commit()
    page = client.get("/dashboard/settings")

    answer = client.post(
        "/dashboard/settings",
        data={"csrf_token": csrf_token(page.text), "frequency": "weekly"},
    )

    assert page.status_code == 200
    assert "no digest to set" in html.unescape(page.text)
    assert answer.status_code == 404
    assert db.session.scalars(select(Recruiter)).all() == []
