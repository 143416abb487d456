"""Every answer a mail server can give ends a candidate email visibly.

A 5xx at RCPT TO bounces (a state of its own) and suppresses the address; a 5xx at
MAIL FROM is our configuration, seen in `/healthz`; a message that can never be
built fails with its reason. Nothing stays pending without an error.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from sqlalchemy import select, update

from plugin import clock
from plugin.jobs.delivery import MAX_ATTEMPTS
from plugin.jobs.tick import run_tick
from plugin.mail.transport import mail_job_timeout
from plugin.models import (
    Candidate,
    EmailStatus,
    OutboundEmail,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.suppressions import is_suppressed, list_suppressions
from tests.support.events import interview_event
from tests.support.smtp_servers import ScriptedSmtp, SilentServer, start_smtp

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


@pytest.fixture
def smtp(request, settings):
    """A scriptable SMTP server (SMTPUTF8 when the test's param says so)."""
    server = ScriptedSmtp()
    settings["SMTP_TIMEOUT"] = "2"
    with start_smtp(server, smtputf8=getattr(request, "param", False)) as url:
        settings["SMTP_URL"] = url
        yield server


@pytest.fixture
def queued_email(db, post_event, run_jobs):
    """One thank-you, claimed by a tick: an outbox row ready for delivery."""
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DUE):
        run_tick()
    return db.session.scalars(select(OutboundEmail)).one().id


def email_row(db, email_id) -> OutboundEmail:
    db.session.expire_all()
    return db.session.get(OutboundEmail, email_id)


def set_candidate(db, **values):
    db.session.execute(update(Candidate).values(**values))
    db.session.commit()


def tick_for_a_day(run_jobs):
    for minutes in (5, 60, 24 * 60):
        with clock.frozen_at(DUE + timedelta(minutes=minutes)):
            run_tick()
            run_jobs()


def test_5xx_at_rcpt_bounces_and_suppresses_the_address(
    db, smtp, queued_email, run_jobs
):
    smtp.rcpt_replies = ["550 5.1.1 <dana@example.org>: no such user here"]
    with clock.frozen_at(DUE):
        run_jobs()
    tick_for_a_day(run_jobs)

    email = email_row(db, queued_email)
    assert email.status == EmailStatus.BOUNCED
    assert "550 5.1.1" in email.last_error and "no such user" in email.last_error
    assert "dana@example.org" not in email.last_error
    touchpoint = db.session.get(Touchpoint, email.touchpoint_id)
    assert touchpoint.status == TouchpointStatus.SKIPPED
    assert is_suppressed(" Dana@EXAMPLE.org ")
    assert [entry.reason for entry in list_suppressions()] == ["bounce"]
    # A final answer: the address is never offered again.
    assert [a for a in smtp.recipients_asked if "dana" in a.lower()] == [
        "dana@example.org"
    ]


def test_a_suppressed_address_gets_no_later_email(
    db, smtp, queued_email, post_event, run_jobs
):
    smtp.rcpt_replies = ["550 5.1.1 mailbox unavailable"]
    with clock.frozen_at(DUE):
        run_jobs()
    # The same person, known to another source record, with the address re-cased.
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-other",
                "data.candidate.email": "DANA@Example.org",
                "data.application.id": "a-other",
                "data.interview.id": "i-other",
            }
        )
    )
    run_jobs()
    tick_for_a_day(run_jobs)

    later = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.id != queued_email)
    ).all()
    assert later and all(e.status == EmailStatus.SKIPPED for e in later)
    assert all("suppression list" in (e.last_error or "") for e in later)
    assert smtp.candidate_messages == []
    assert [a for a in smtp.recipients_asked if "dana" in a.lower()] == [
        "dana@example.org"
    ]


def test_5xx_at_mail_from_is_a_configuration_error_in_health(
    db, client, smtp, queued_email, run_jobs
):
    smtp.mail_replies = ["553 5.7.1 sender not allowed"]
    with clock.frozen_at(DUE):
        run_jobs()

    email = email_row(db, queued_email)
    assert email.status == EmailStatus.FAILED
    assert email.last_error.startswith("mail configuration error: MAIL FROM refused")
    assert list_suppressions() == []
    health = client.get("/healthz")
    # Our own mail settings: degraded, since restarting the web would fix nothing.
    assert (health.status_code, health.get_json()["status"]) == (200, "degraded")
    mail = health.get_json()["checks"]["mail"]
    assert mail["configuration_errors"] == 1
    assert mail["detail"].startswith(
        "the mail server refused our sender or login for 1 email(s)"
    )


def test_names_with_line_breaks_go_out_in_clean_headers(
    db, smtp, queued_email, run_jobs
):
    set_candidate(db, first_name="Dana\r\nBcc: all@evil.example", last_name="O\nK")
    with clock.frozen_at(DUE):
        run_jobs()

    assert email_row(db, queued_email).status == EmailStatus.SENT
    (message,) = smtp.candidate_messages
    assert message["Bcc"] is None
    assert str(message["To"]) == '"Dana Bcc: all@evil.example O K" <dana@example.org>'
    assert smtp.envelopes[0].rcpt_tos == ["dana@example.org"]


def test_international_domains_go_out_in_idna(db, smtp, queued_email, run_jobs):
    set_candidate(db, email="dana@bücher.example")
    with clock.frozen_at(DUE):
        run_jobs()

    assert email_row(db, queued_email).status == EmailStatus.SENT
    assert smtp.envelopes[0].rcpt_tos == ["dana@xn--bcher-kva.example"]


def test_international_mailbox_fails_cleanly_without_smtputf8(
    db, smtp, queued_email, run_jobs
):
    set_candidate(db, email="dänä@example.org")
    with clock.frozen_at(DUE):
        run_jobs()
    tick_for_a_day(run_jobs)

    email = email_row(db, queued_email)
    assert email.status == EmailStatus.FAILED
    assert "SMTPUTF8" in email.last_error
    assert smtp.candidate_messages == []


@pytest.mark.parametrize("smtp", [True], indirect=True)
def test_international_mailbox_goes_out_with_smtputf8(db, smtp, queued_email, run_jobs):
    set_candidate(db, email="dänä@example.org", first_name="Dänä")
    with clock.frozen_at(DUE):
        run_jobs()

    assert email_row(db, queued_email).status == EmailStatus.SENT
    assert smtp.envelopes[0].rcpt_tos == ["dänä@example.org"]
    assert "SMTPUTF8" in smtp.envelopes[0].mail_options


def test_a_message_that_can_never_be_built_fails_with_its_reason(
    db, smtp, queued_email, run_jobs
):
    set_candidate(db, email="dana at example.org")
    with clock.frozen_at(DUE):
        run_jobs()
    tick_for_a_day(run_jobs)

    email = email_row(db, queued_email)
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert email.last_error == "the recipient's address is not a valid address"
    assert db.session.get(Touchpoint, email.touchpoint_id).reason == email.last_error
    assert smtp.candidate_messages == []


def test_a_server_that_never_greets_leaves_the_email_retryable(
    app, db, smtp, queued_email, run_jobs
):
    with SilentServer() as silent, clock.frozen_at(DUE):
        app.config["SMTP_URL"] = silent.url
        run_jobs()

    email = email_row(db, queued_email)
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.last_error.startswith("cannot reach the SMTP server")
    assert email.sending_started_at is None


def test_an_unexpected_error_is_recorded_and_ends_failed(
    db, smtp, queued_email, run_jobs, monkeypatch
):
    def broken(email):
        raise RuntimeError("a bug")

    monkeypatch.setattr("plugin.jobs.delivery.render_email", broken)
    at = DUE
    for _ in range(MAX_ATTEMPTS):
        with clock.frozen_at(at):
            run_tick()
            run_jobs()
        email = email_row(db, queued_email)
        assert email.last_error and "RuntimeError" in email.last_error
        at += timedelta(hours=1)

    assert email.status == EmailStatus.FAILED
    touchpoint = db.session.get(Touchpoint, email.touchpoint_id)
    assert touchpoint.status == TouchpointStatus.SKIPPED


def test_mail_jobs_get_a_timeout_sized_from_their_emails(
    app, db, smtp, redis, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DUE):
        run_tick()

    jobs = Queue("mail", connection=redis).jobs
    (job,) = [j for j in jobs if j.func_name == "plugin.jobs.delivery.deliver_emails"]
    assert job.timeout == mail_job_timeout(app.config["EMAILS_PER_JOB"], 2)
