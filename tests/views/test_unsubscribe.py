"""Unsubscribe: a GET only asks; the one-click POST (RFC 8058) stops emails."""

from __future__ import annotations

import html
import itertools
import time
from datetime import timedelta

from sqlalchemy import select

from plugin.models import Application, Candidate
from tests.support.candidate import THANK_YOU_DUE, first_email
from tests.support.database import empty_tables
from tests.support.events import interview_event
from tests.support.signing import SignedPost


def unsubscribe_path(message) -> str:
    header = str(message["List-Unsubscribe"]).strip()  # long headers are folded
    assert header.startswith("<http://localhost/unsubscribe/") and header.endswith(">")
    return header[len("<http://localhost") : -1]


def test_every_email_carries_one_click_unsubscribe_headers(smtp, post_event, run_jobs):
    message = first_email(post_event, run_jobs, smtp)

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message) in message.get_body(("plain",)).get_content()


def test_header_and_bodies_carry_one_token_when_rendering_straddles_a_second(
    monkeypatch, smtp, post_event, run_jobs
):
    # Every token made reads a clock one second later than the last, as if each
    # took a second to make: a header and a body that each made their own would differ.
    from plugin.mail import links

    seconds = itertools.count(int(time.time()))
    monkeypatch.setattr(links._ClockedSigner, "get_timestamp", lambda _: next(seconds))

    message = first_email(post_event, run_jobs, smtp)

    path = unsubscribe_path(message)
    assert path in message.get_body(("plain",)).get_content()
    assert html.escape(path) in message.get_body(("html",)).get_content()


def test_https_base_url_gives_an_https_unsubscribe_link(settings, redis, smtp):
    from plugin import create_app
    from plugin.extensions.queues import use_redis

    settings["BASE_URL"] = "https://coach.example.com"
    app = create_app(settings)
    use_redis(app, None)
    with app.app_context():
        from plugin import clock
        from plugin.jobs.tick import run_tick

        SignedPost(app.test_client())(interview_event())
        with clock.frozen_at(THANK_YOU_DUE):
            run_tick()
    empty_tables(app)

    assert (
        str(smtp.candidate_messages[0]["List-Unsubscribe"])
        .strip()
        .startswith("<https://coach.example.com/unsubscribe/")
    )


def test_get_shows_a_page_and_changes_nothing(db, client, smtp, post_event, run_jobs):
    path = unsubscribe_path(first_email(post_event, run_jobs, smtp))

    page = client.get(path)

    assert page.status_code == 200
    assert "Nothing changes until you press a button" in html.unescape(page.text)
    db.session.expire_all()
    assert db.session.scalars(select(Application)).one().emails_stopped_at is None


def test_one_click_post_without_cookies_stops_this_application(
    app, db, smtp, post_event, run_jobs
):
    path = unsubscribe_path(first_email(post_event, run_jobs, smtp))
    cookieless = app.test_client(use_cookies=False)

    first = cookieless.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    again = cookieless.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert (first.status_code, again.status_code) == (200, 200)
    assert "Location" not in first.headers and "Set-Cookie" not in first.headers
    db.session.expire_all()
    assert db.session.scalars(select(Application)).one().emails_stopped_at is not None
    assert db.session.scalars(select(Candidate)).one().opted_out_at is None


def test_the_page_can_stop_everything(db, client, smtp, post_event, run_jobs):
    path = unsubscribe_path(first_email(post_event, run_jobs, smtp))

    response = client.post(path, data={"scope": "all"})

    assert response.status_code == 200
    assert "You won't get any more emails from us." in html.unescape(response.text)
    db.session.expire_all()
    assert db.session.scalars(select(Candidate)).one().opted_out_at is not None


def test_a_tampered_unsubscribe_link_is_a_friendly_404(client):
    response = client.post(
        "/unsubscribe/forged",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 404


def test_nothing_more_is_sent_after_unsubscribing(app, db, smtp, post_event, run_jobs):
    from plugin import clock
    from plugin.jobs.tick import run_tick

    path = unsubscribe_path(first_email(post_event, run_jobs, smtp))
    app.test_client(use_cookies=False).post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    for days in (1, 11, 18):
        with clock.frozen_at(THANK_YOU_DUE + timedelta(days=days)):
            run_tick()
            run_jobs()

    assert len(smtp.candidate_messages) == 1
