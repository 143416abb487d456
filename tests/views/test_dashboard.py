"""The dashboard: magic-link sign-in, each recruiter's own candidates, and actions."""

from __future__ import annotations

import html
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.mail import links
from plugin.models import Application, EmailStatus, OutboundEmail, Touchpoint
from tests.support.candidate import THANK_YOU_DUE
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.recruiter import login_link, sign_in

SAM, KIM = "sam@staffing.example", "kim@staffing.example"


def two_recruiters(post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.first_name": "Ravi",
                "data.candidate.last_name": "Shah",
                "data.candidate.email": "ravi@example.org",
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": {"name": "Kim Lee", "email": KIM},
            }
        )
    )
    run_jobs()


def application_id(db, external_id):
    return db.session.scalar(select(Application.id).filter_by(external_id=external_id))


def test_sign_in_by_emailed_link_shows_my_candidates(
    db, client, smtp, post_event, run_jobs
):
    two_recruiters(post_event, run_jobs)

    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    page = html.unescape(client.get("/dashboard/applications").text)

    assert "Dana Okafor" in page and "Ravi Shah" not in page
    assert "thank you, Tue 01 Dec 17:00 EST" in page  # in Sam's zone (New York)


def test_the_link_works_once(db, client, smtp, post_event, run_jobs):
    link = sign_in(client, smtp, SAM, run_jobs=run_jobs)
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/dashboard").text)}
    )

    confirm = client.get(link)
    again = client.post(link, data={"csrf_token": csrf_token(confirm.text)})

    assert again.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_a_get_of_the_link_does_not_sign_in(db, client, smtp, run_jobs):
    from plugin.operations.accounts import create_user

    create_user(SAM)
    client.post(
        "/login",
        data={"csrf_token": csrf_token(client.get("/login").text), "email": SAM},
    )
    run_jobs()

    client.get(login_link(smtp, SAM))

    assert client.get("/dashboard").status_code == 302


def test_an_expired_link_is_refused(db, client, smtp, run_jobs):
    from plugin.operations.accounts import create_user

    create_user(SAM)
    client.post(
        "/login",
        data={"csrf_token": csrf_token(client.get("/login").text), "email": SAM},
    )
    run_jobs()
    link = login_link(smtp, SAM)

    with clock.frozen_at(datetime.now(UTC) + timedelta(minutes=16)):
        confirm = client.get(link)
        answer = client.post(link, data={"csrf_token": csrf_token(confirm.text)})

    assert answer.status_code == 400


def test_unknown_emails_get_the_same_answer_and_no_mail(db, client, smtp, run_jobs):
    page = client.get("/login")

    answer = client.post(
        "/login",
        data={"csrf_token": csrf_token(page.text), "email": "stranger@example.org"},
    )
    run_jobs()

    assert answer.status_code == 200 and "Check your email" in answer.text
    assert smtp.messages == []


def test_sign_in_requests_are_rate_limited(db, client, smtp, run_jobs):
    from plugin.operations.accounts import create_user

    create_user(SAM)
    for _ in range(7):
        client.post(
            "/login",
            data={"csrf_token": csrf_token(client.get("/login").text), "email": SAM},
        )
    run_jobs()

    assert len(smtp.messages) == 5


def test_recruiter_cannot_see_or_change_another_recruiters_application(
    db, client, smtp, post_event, run_jobs
):
    two_recruiters(post_event, run_jobs)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    kims = application_id(db, "a-kim")
    token = csrf_token(client.get("/dashboard").text)

    page = client.get(f"/dashboard/applications/{kims}")
    pause = client.post(
        f"/dashboard/applications/{kims}/pause", data={"csrf_token": token, "until": ""}
    )
    preview = client.get(f"/dashboard/applications/{kims}/emails/thank_you")

    assert (page.status_code, pause.status_code, preview.status_code) == (404, 404, 404)
    db.session.expire_all()
    assert db.session.get(Application, kims).paused_at is None


def test_admin_sees_all_and_can_reassign(db, client, smtp, post_event, run_jobs):
    two_recruiters(post_event, run_jobs)
    sign_in(client, smtp, "boss@staffing.example", admin=True, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")

    listing = html.unescape(client.get("/dashboard/applications").text)
    page = client.get(f"/dashboard/applications/{dana}")
    answer = client.post(
        f"/dashboard/applications/{dana}/reassign",
        data={"csrf_token": csrf_token(page.text), "recruiter_email": KIM},
    )

    assert "Dana Okafor" in listing and "Ravi Shah" in listing
    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, dana).recruiter.email == KIM


def test_admin_cannot_reassign_to_a_disabled_recruiter(
    db, client, runner, smtp, post_event, run_jobs
):
    two_recruiters(post_event, run_jobs)
    assert runner.invoke(args=["users", "disable", KIM]).exit_code == 0
    sign_in(client, smtp, "boss@staffing.example", admin=True, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")
    page = client.get(f"/dashboard/applications/{dana}")

    answer = client.post(
        f"/dashboard/applications/{dana}/reassign",
        data={"csrf_token": csrf_token(page.text), "recruiter_email": KIM},
        follow_redirects=True,
    )

    assert f"{KIM} is disabled" in html.unescape(answer.text)
    db.session.expire_all()
    assert db.session.get(Application, dana).recruiter.email == SAM


def test_recruiter_pauses_and_resumes_a_cadence(db, client, smtp, post_event, run_jobs):
    two_recruiters(post_event, run_jobs)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")
    page = client.get(f"/dashboard/applications/{dana}")

    client.post(
        f"/dashboard/applications/{dana}/pause",
        data={"csrf_token": csrf_token(page.text), "until": ""},
    )
    paused = {
        t.status
        for t in db.session.scalars(select(Touchpoint).filter_by(application_id=dana))
    }
    client.post(
        f"/dashboard/applications/{dana}/resume",
        data={"csrf_token": csrf_token(page.text)},
    )

    assert paused == {"cancelled"}
    db.session.expire_all()
    assert "planned" in {
        t.status
        for t in db.session.scalars(select(Touchpoint).filter_by(application_id=dana))
    }


def test_recruiter_sets_the_deadline(db, client, smtp, post_event, run_jobs):
    two_recruiters(post_event, run_jobs)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")
    page = client.get(f"/dashboard/applications/{dana}")

    client.post(
        f"/dashboard/applications/{dana}/deadline",
        data={"csrf_token": csrf_token(page.text), "decision_deadline": "2026-12-15"},
    )

    db.session.expire_all()
    application = db.session.get(Application, dana)
    assert application.decision_deadline.isoformat() == "2026-12-15"
    assert application.decision_deadline_source == "recruiter"


def test_email_preview_is_exactly_what_is_sent(
    db, client, smtp, post_event, run_jobs, monkeypatch
):
    # Links are stamped with the wall clock too; hold it still across both renders.
    wall_clock = time.time()
    monkeypatch.setattr(links, "time", SimpleNamespace(time=lambda: wall_clock))
    two_recruiters(post_event, run_jobs)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")

    with clock.frozen_at(THANK_YOU_DUE):
        preview = client.get(f"/dashboard/applications/{dana}/emails/thank_you").text
        run_tick()
        run_jobs()

    sent = db.session.scalars(
        select(OutboundEmail).filter_by(application_id=dana)
    ).one()
    assert preview == sent.body_html


def test_recruiter_resolves_an_unknown_delivery(db, client, smtp, post_event, run_jobs):
    two_recruiters(post_event, run_jobs)
    smtp.hang_up_after_data = True
    with clock.frozen_at(THANK_YOU_DUE):
        run_tick()
        run_jobs()
    smtp.hang_up_after_data = False
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")
    email = db.session.scalars(
        select(OutboundEmail).filter_by(application_id=dana)
    ).one()
    page = client.get(f"/dashboard/applications/{dana}")

    answer = client.post(
        f"/dashboard/emails/{email.id}/resolve",
        data={"csrf_token": csrf_token(page.text), "outcome": "sent"},
    )

    assert "Deliveries to check" in page.text and answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email.id).status == EmailStatus.SENT


def test_pages_need_a_session(client):
    assert client.get("/dashboard").status_code == 302
    assert client.get("/dashboard/applications/1").status_code == 302


def test_a_missing_page_is_a_page_not_json(db, client, smtp, run_jobs):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    response = client.get("/dashboard/applications/987654")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "not yours to see" in response.text
