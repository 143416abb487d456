"""Alerts and digests share the coaching emails' discipline: never twice, never stuck.

"sending" is committed right before DATA; silence after DATA is "unknown" and never
resent; a refusal at RCPT TO bounces and is shown to admins, never suppressed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from plugin import clock
from plugin.jobs.alerts import MAX_ATTEMPTS
from plugin.jobs.tick import run_tick
from plugin.models import (
    Alert,
    AlertStatus,
    Application,
    Digest,
    DigestStatus,
    Recruiter,
)
from plugin.operations import actions
from plugin.operations.suppressions import list_suppressions
from tests.support.events import interview_event
from tests.support.recruiter import sign_in
from tests.support.smtp_servers import ScriptedSmtp, start_smtp

SAM = "sam@staffing.example"
DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
# 07:30 in New York (Sam's zone): the digest's hour.
MORNING = datetime(2026, 12, 10, 12, 30, tzinfo=UTC)


@pytest.fixture
def smtp(settings):
    """A scriptable SMTP server; one second per reply keeps hangs short."""
    server = ScriptedSmtp()
    settings["SMTP_TIMEOUT"] = "1"
    with start_smtp(server) as url:
        settings["SMTP_URL"] = url
        yield server


def report_offer(db, run_jobs):
    application = db.session.scalars(select(Application)).one()
    with clock.frozen_at(DEC_2):
        actions.report_competing_offer(
            application, "Birch & Co", DEC_2.date() + timedelta(days=5), None
        )
        run_jobs()


def the_alert(db) -> Alert:
    db.session.expire_all()
    return db.session.scalars(select(Alert).filter_by(urgent=True)).one()


def the_digest(db) -> Digest:
    db.session.expire_all()
    return db.session.scalars(select(Digest)).one()


def ticks_after(start, run_jobs, minutes=(5, 30, 24 * 60)):
    for offset in minutes:
        with clock.frozen_at(start + timedelta(minutes=offset)):
            run_tick()
            run_jobs()


def sent_to(smtp, address, word):
    return [
        m
        for m in smtp.messages
        if address in str(m["To"]) and word in str(m["Subject"]).lower()
    ]


def test_an_alert_with_no_answer_after_data_is_unknown_and_never_resent(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    smtp.hang_for = {SAM}
    report_offer(db, run_jobs)
    smtp.hang_for = set()
    ticks_after(DEC_2, run_jobs)

    alert = the_alert(db)
    assert alert.status == AlertStatus.UNKNOWN
    assert alert.message_id and alert.sending_started_at is not None
    assert sent_to(smtp, SAM, "competing offer") == []


def test_an_alert_killed_after_the_claim_becomes_unknown_not_resent(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DEC_2):
        application = db.session.scalars(select(Application)).one()
        actions.report_competing_offer(
            application, "Birch & Co", DEC_2.date() + timedelta(days=5), None
        )
    # As if the worker died between the claim and the server's answer.
    db.session.execute(
        update(Alert).values(status=AlertStatus.SENDING, sending_started_at=DEC_2)
    )
    db.session.commit()
    ticks_after(DEC_2, run_jobs, minutes=(5, 11, 60))

    assert the_alert(db).status == AlertStatus.UNKNOWN
    assert sent_to(smtp, SAM, "competing offer") == []


def test_an_alert_refused_for_now_is_retried_then_fails_with_its_reason(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    smtp.replies_for[SAM] = ["451 4.3.0 try later"] * 50
    report_offer(db, run_jobs)
    ticks_after(DEC_2, run_jobs, minutes=range(1, 24 * 60, 60))

    alert = the_alert(db)
    assert (alert.status, alert.attempts) == (AlertStatus.FAILED, MAX_ATTEMPTS)
    assert alert.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert "RCPT TO deferred (451)" in alert.last_error


def test_a_bounced_alert_is_shown_to_admins_and_suppresses_nobody(
    app, db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    smtp.replies_for[SAM] = ["550 5.1.1 mailbox unknown"]
    report_offer(db, run_jobs)
    ticks_after(DEC_2, run_jobs, minutes=(5, 60))

    alert = the_alert(db)
    assert alert.status == AlertStatus.BOUNCED
    assert "550 5.1.1 mailbox unknown" in alert.last_error
    assert list_suppressions() == []
    sign_in(client, smtp, "admin@staffing.example", admin=True, run_jobs=run_jobs)
    page = client.get("/dashboard").text
    assert "Staff addresses that bounced" in page
    assert SAM in page and "550 5.1.1 mailbox unknown" in page


def test_a_recruiter_does_not_see_staff_bounces(
    app, db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    smtp.replies_for[SAM] = ["550 5.1.1 mailbox unknown"]
    report_offer(db, run_jobs)

    sign_in(client, smtp, "kim@staffing.example", run_jobs=run_jobs)
    assert "Staff addresses that bounced" not in client.get("/dashboard").text


def test_an_alert_about_a_name_with_line_breaks_is_delivered(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    db.session.execute(update(Recruiter).values(name="Sam\r\nBcc: x@evil.example"))
    db.session.commit()
    report_offer(db, run_jobs)

    assert the_alert(db).status == AlertStatus.SENT
    (alert,) = sent_to(smtp, SAM, "competing offer")
    assert alert["Bcc"] is None


def news_for_the_digest(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(MORNING - timedelta(hours=3)):
        actions.report_heard_back(
            db.session.scalars(select(Application)).one(), "rejected"
        )
        run_jobs()


def test_a_digest_refused_for_now_is_retried_after_back_off_and_sent_once(
    db, smtp, post_event, run_jobs
):
    news_for_the_digest(db, post_event, run_jobs)
    smtp.replies_for[SAM] = ["451 4.3.0 greylisted"]
    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()
    digest = the_digest(db)
    assert (digest.status, digest.attempts) == (DigestStatus.PENDING, 1)
    assert digest.next_attempt_at == MORNING + timedelta(minutes=2)

    ticks_after(MORNING, run_jobs, minutes=(1, 2, 10, 60))

    assert the_digest(db).status == DigestStatus.SENT
    assert len(sent_to(smtp, SAM, "digest")) == 1


def test_a_digest_with_no_answer_after_data_is_never_resent(
    db, smtp, post_event, run_jobs
):
    news_for_the_digest(db, post_event, run_jobs)
    smtp.hang_for = {SAM}
    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()
    smtp.hang_for = set()
    ticks_after(MORNING, run_jobs, minutes=(5, 60, 180))

    assert the_digest(db).status == DigestStatus.UNKNOWN
    assert sent_to(smtp, SAM, "digest") == []


def test_a_digest_left_sending_becomes_unknown(db, smtp, post_event, run_jobs):
    news_for_the_digest(db, post_event, run_jobs)
    db.session.add(
        Digest(
            recruiter_id=db.session.scalars(select(Recruiter.id)).one(),
            local_date=MORNING.date(),
            status=DigestStatus.SENDING,
            sending_started_at=MORNING,
        )
    )
    db.session.commit()
    ticks_after(MORNING, run_jobs, minutes=(11, 60))

    assert the_digest(db).status == DigestStatus.UNKNOWN
    assert sent_to(smtp, SAM, "digest") == []


def test_a_pending_digest_of_a_past_day_fails_visibly(db, smtp, post_event, run_jobs):
    news_for_the_digest(db, post_event, run_jobs)
    smtp.replies_for[SAM] = ["451 4.3.0 greylisted"]
    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()
    with clock.frozen_at(MORNING + timedelta(days=2)):
        run_tick()

    old = db.session.scalars(select(Digest).filter_by(local_date=MORNING.date())).one()
    assert old.status == DigestStatus.FAILED
    assert old.last_error == "the day passed before the digest could be sent"
