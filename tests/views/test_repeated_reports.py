"""A competing offer reported again and again is one alert and one guidance email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import Alert, CompetingOffer
from tests.support.candidate import open_plan, page_text
from tests.support.forms import csrf_token

DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
OFFER = {"employer": "Birch & Co", "offer_deadline": "2026-12-07", "note": ""}


@pytest.fixture
def settings(settings):
    # Rate limits are tested apart; here every report must reach the application.
    settings["RATE_LIMIT_PLAN"] = "1000 per minute"
    return settings


def report(client, path, html, **changes):
    data = {"csrf_token": csrf_token(html), **OFFER, **changes}
    return client.post(f"{path}/offer", data=data)


def offer_emails(smtp):
    return [m for m in smtp.candidate_messages if "Your other offer" in m["Subject"]]


def alert_emails(smtp):
    return [m for m in smtp.recruiter_messages if "Competing offer" in m["Subject"]]


def alerts(db):
    db.session.expire_all()
    return db.session.scalars(select(Alert).filter_by(kind="competing_offer")).all()


def test_twenty_identical_reports_send_one_alert_and_one_guidance_email(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        answers = [report(client, path, html) for _ in range(20)]
        run_jobs()
        last = page_text(client.get(answers[-1].headers["Location"]))

    assert {answer.status_code for answer in answers} == {303}
    assert "We already have this offer" in last
    assert len(alerts(db)) == 1
    assert len(offer_emails(smtp)) == 1
    assert len(alert_emails(smtp)) == 1
    assert len(db.session.scalars(select(CompetingOffer)).all()) == 1


def test_a_repeat_keeps_the_latest_note_on_the_open_report(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        report(client, path, html, note="Good pay")
        report(client, path, html, note="They want an answer by noon")
        run_jobs()

    offer = db.session.scalars(select(CompetingOffer)).one()
    assert offer.note == "They want an answer by noon"
    assert len(alerts(db)) == 1


def test_the_same_employer_written_differently_is_still_a_repeat(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        report(client, path, html)
        report(client, path, html, employer="  birch &  CO ")
        run_jobs()

    assert len(alerts(db)) == 1
    assert len(offer_emails(smtp)) == 1


def test_a_changed_deadline_is_news_and_alerts_again(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        report(client, path, html)
        report(client, path, html)
        report(client, path, html, offer_deadline="2026-12-05")
        run_jobs()

    deadlines = sorted(a.competing_offer.offer_deadline.isoformat() for a in alerts(db))
    assert deadlines == ["2026-12-05", "2026-12-07"]
    assert len(offer_emails(smtp)) == 2
    assert len(alert_emails(smtp)) == 2


def test_another_employer_is_news_and_alerts_again(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        report(client, path, html)
        report(client, path, html, employer="Cedar Ltd")
        run_jobs()

    employers = sorted(a.competing_offer.employer_name for a in alerts(db))
    assert employers == ["Birch & Co", "Cedar Ltd"]


def test_the_same_offer_after_the_window_alerts_again(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        report(client, path, html)
        run_jobs()
    with clock.frozen_at(DEC_2 + timedelta(hours=24, minutes=1)):
        report(client, path, html)
        run_jobs()

    assert len(alerts(db)) == 2
    assert len(offer_emails(smtp)) == 2
