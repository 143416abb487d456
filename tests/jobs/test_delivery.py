"""Delivery: committed as "sending" first, retried only before DATA, never twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from plugin import clock, create_app
from plugin.extensions.queues import use_redis
from plugin.jobs.delivery import MAX_ATTEMPTS, deliver_email
from plugin.jobs.tick import run_tick
from plugin.mail.links import plan_url, unsubscribe_url
from plugin.models import (
    Application,
    ApplicationStatus,
    EmailStatus,
    OutboundEmail,
    Suppression,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.suppressions import address_hashes
from tests.support.database import TEST_DATABASE_URL
from tests.support.events import interview_event
from tests.support.workers import run_queued_jobs

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


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


def test_refusal_before_data_is_retried_later_then_sent(
    db, smtp, queued_email, run_jobs
):
    smtp.rcpt_reply = "451 4.3.0 try again later"
    with clock.frozen_at(DUE):
        run_jobs()
    email = email_row(db, queued_email)
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.next_attempt_at == DUE + timedelta(minutes=2)

    smtp.rcpt_reply = None
    with clock.frozen_at(DUE + timedelta(minutes=1)):
        run_tick()
        run_jobs()
    assert smtp.candidate_messages == []  # not due again yet
    with clock.frozen_at(DUE + timedelta(minutes=2)):
        run_tick()
        run_jobs()

    assert len(smtp.candidate_messages) == 1
    assert email_row(db, queued_email).status == EmailStatus.SENT


def test_message_id_is_kept_across_retries(db, smtp, queued_email, run_jobs):
    smtp.rcpt_reply = "451 try later"
    with clock.frozen_at(DUE):
        run_jobs()
    first_id = email_row(db, queued_email).message_id
    smtp.rcpt_reply = None
    with clock.frozen_at(DUE + timedelta(minutes=5)):
        run_tick()
        run_jobs()

    assert smtp.candidate_messages[0]["Message-ID"] == first_id


def test_gives_up_after_max_attempts(db, smtp, queued_email, run_jobs):
    smtp.rcpt_reply = "451 try later"
    at = DUE
    for _ in range(MAX_ATTEMPTS):
        with clock.frozen_at(at):
            run_tick()
            run_jobs()
        at += timedelta(hours=1)

    email = email_row(db, queued_email)
    assert (email.status, email.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)
    assert (
        db.session.get(Touchpoint, email.touchpoint_id).status
        == TouchpointStatus.SKIPPED
    )


def test_refusal_after_data_is_final(db, smtp, queued_email, run_jobs):
    smtp.data_reply = "554 5.7.1 message refused"
    with clock.frozen_at(DUE):
        run_jobs()
        run_tick()
        run_jobs()

    email = email_row(db, queued_email)
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 1


def test_no_answer_after_data_is_unknown_and_never_resent(
    db, smtp, queued_email, run_jobs
):
    smtp.hang_up_after_data = True
    with clock.frozen_at(DUE):
        run_jobs()
    smtp.hang_up_after_data = False
    for minutes in (1, 30, 600):
        with clock.frozen_at(DUE + timedelta(minutes=minutes)):
            run_tick()
            run_jobs()

    assert email_row(db, queued_email).status == EmailStatus.UNKNOWN
    assert smtp.candidate_messages == []


def test_rerun_of_the_job_sends_nothing_more(app, db, smtp, queued_email, run_jobs):
    with clock.frozen_at(DUE):
        run_jobs()
        deliver_email(queued_email)  # as RQ re-running an abandoned job would

    assert len(smtp.candidate_messages) == 1


def test_worker_killed_while_sending_leaves_unknown_after_the_lease(
    db, smtp, queued_email
):
    db.session.execute(
        update(OutboundEmail).values(status=EmailStatus.SENDING, sending_started_at=DUE)
    )
    db.session.commit()

    with clock.frozen_at(DUE + timedelta(minutes=11)):
        report = run_tick()

    assert report.emails_marked_unknown == 1
    assert email_row(db, queued_email).status == EmailStatus.UNKNOWN


def test_decision_after_the_claim_is_rechecked_at_send_time(
    db, smtp, queued_email, run_jobs
):
    db.session.execute(update(Application).values(status=ApplicationStatus.HIRED))
    db.session.commit()

    with clock.frozen_at(DUE):
        run_jobs()

    email = email_row(db, queued_email)
    assert email.status == EmailStatus.SKIPPED
    touchpoint = db.session.get(Touchpoint, email.touchpoint_id)
    assert (touchpoint.status, touchpoint.reason) == (
        TouchpointStatus.SKIPPED,
        "the application is hired",
    )
    assert smtp.candidate_messages == []


@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="a statement's snapshot, taken before a lock wait, is PostgreSQL's",
)
def test_a_claim_made_while_waiting_for_the_lock_is_seen_before_any_write(
    db, smtp, queued_email, run_jobs, monkeypatch
):
    # A re-run waits on the candidate's lock while the first run claims and sends
    # the email: the locked load still shows it pending. Whatever the rules then
    # say (here: the address is on the list), the sent row must stay as it is.
    def sent_meanwhile(address):
        hashes = address_hashes(address)
        with db.engine.begin() as other_worker:
            other_worker.execute(
                update(OutboundEmail)
                .where(OutboundEmail.id == queued_email)
                .values(status=EmailStatus.SENT)
            )
            other_worker.execute(
                insert(Suppression).values(address_hash=hashes[0], reason="bounce")
            )
        return hashes

    monkeypatch.setattr("plugin.jobs.delivery_rules.address_hashes", sent_meanwhile)
    with clock.frozen_at(DUE):
        run_jobs()

    email = email_row(db, queued_email)
    assert email.status == EmailStatus.SENT
    touchpoint = db.session.get(Touchpoint, email.touchpoint_id)
    assert touchpoint.status == TouchpointStatus.QUEUED  # the first run's to finish
    assert smtp.candidate_messages == []


def test_a_worker_app_without_pages_sends_the_same_links(
    db, smtp, queued_email, settings, redis, monkeypatch
):
    # `followup worker` builds its app without blueprints; its links must not change.
    # Links carry the second they were signed: hold it, so that only the routes and
    # the signing can make two links differ.
    from plugin.mail import links as signed_links

    signed_at = int(DUE.timestamp()) - 86_400
    monkeypatch.setattr(
        signed_links._ClockedSigner, "get_timestamp", lambda _: signed_at
    )
    with clock.frozen_at(DUE):
        application_id = email_row(db, queued_email).application_id
        links = [plan_url(application_id), unsubscribe_url(application_id)]
        worker_app = create_app(settings, web=False, commands=False)
        use_redis(worker_app, redis)
        run_queued_jobs(worker_app, redis)

    (message,) = smtp.candidate_messages
    text = message.get_body(("plain",)).get_content()
    assert links[0] in text
    assert links[1] in text
    assert message["List-Unsubscribe"].strip() == f"<{links[1]}>"
