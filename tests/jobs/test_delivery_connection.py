"""A delivery job's emails share one SMTP connection, and each keeps its own claim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from plugin import clock
from plugin.extensions import count_statements
from plugin.jobs.delivery import deliver_emails
from plugin.jobs.tick import SENDING_LEASE, run_tick
from plugin.mail.messages import render_email
from plugin.models import (
    EmailStatus,
    OutboundEmail,
    TimelineEntry,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)
from tests.support.events import DELETE, interview_event
from tests.support.ports import free_port
from tests.support.smtp import CountingController, MisbehavingOnCue

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
EMAILS = 5


@pytest.fixture
def smtp(settings: dict[str, Any]) -> Iterator[CountingController]:
    """A real SMTP server on loopback that counts the connections made to it.

    Named as the shared fixture it replaces here, so the app is built after it.
    """
    controller = CountingController(
        MisbehavingOnCue(), hostname="127.0.0.1", port=free_port()
    )
    controller.start()
    controller.connections = 0  # starting, the controller checks it is up
    settings["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield controller
    controller.stop()


@pytest.fixture
def due_emails(smtp, db, post_event, run_jobs) -> list[int]:
    """Thank-yous to five candidates, claimed by a tick and queued as one job."""
    for number in range(EMAILS):
        post_event(
            interview_event(
                **{
                    "data.candidate.id": f"c-{number}",
                    "data.candidate.email": f"candidate{number}@example.org",
                    "data.application.id": f"a-{number}",
                    "data.interview.id": f"i-{number}",
                    # No recruiter, so no digest job: only this one job sends.
                    "data.application.recruiter": DELETE,
                }
            )
        )
    run_jobs()
    with clock.frozen_at(DUE):
        assert run_tick().emails_queued == EMAILS
    return list(db.session.scalars(select(OutboundEmail.id).order_by("id")))


def deliver(run_jobs) -> int:
    """Run the queued delivery job at the due time; return its SQL statements."""
    with clock.frozen_at(DUE):
        return count_statements(run_jobs)


def states(db) -> list[str]:
    """The rows' states as committed: whatever the job left uncommitted is dropped."""
    db.session.rollback()
    return list(db.session.scalars(select(OutboundEmail.status).order_by("id")))


class WorkerKilled(BaseException):
    """Stands for the worker's death: nothing in the job catches it."""


def render_failing_at(monkeypatch, number: int, error: BaseException) -> None:
    """Make the job's `number`-th rendering raise `error` (counting from 1)."""
    rendered = []

    def render(email):
        rendered.append(email.id)
        if len(rendered) == number:
            raise error
        return render_email(email)

    monkeypatch.setattr("plugin.jobs.delivery.render_email", render)


def test_one_connection_carries_every_email_of_a_job(smtp, db, due_emails, run_jobs):
    deliver(run_jobs)

    assert smtp.connections == 1
    assert len(smtp.handler.messages) == EMAILS
    assert states(db) == [EmailStatus.SENT] * EMAILS


def test_an_email_costs_a_fixed_number_of_statements(smtp, db, due_emails, run_jobs):
    # Per job: the candidates' notes for the drafts. Per email: lock the candidate
    # and load the email with all it reads, in one; whether it is still pending,
    # the suppression list and the last coaching email, in one; the application's
    # steps; claim; then the email, its step and a timeline line (committed with
    # the next email's claim).
    assert deliver(run_jobs) <= 7 * EMAILS + 1


def test_an_email_costs_one_commit(smtp, db, due_emails, run_jobs):
    # Each claim also commits the email before it; the last "sent" has its own.
    commits = []

    def count(connection) -> None:
        commits.append(connection)

    event.listen(db.engine, "commit", count)
    try:
        deliver(run_jobs)
    finally:
        event.remove(db.engine, "commit", count)

    assert states(db) == [EmailStatus.SENT] * EMAILS
    assert len(commits) <= EMAILS + 1


def test_an_idle_connection_closed_by_the_server_is_opened_again(
    smtp, db, due_emails, run_jobs
):
    smtp.handler.close_after = 2

    deliver(run_jobs)

    assert smtp.connections == 2
    assert len(smtp.handler.messages) == EMAILS
    assert states(db) == [EmailStatus.SENT] * EMAILS


def test_a_line_lost_after_data_leaves_that_email_unknown_and_the_rest_sent(
    smtp, db, due_emails, run_jobs
):
    smtp.handler.hang_up_at = 2

    deliver(run_jobs)

    sent = EmailStatus.SENT
    assert states(db) == [sent, EmailStatus.UNKNOWN, sent, sent, sent]
    assert len(smtp.handler.messages) == EMAILS - 1
    assert smtp.connections == 2


def test_a_refusal_before_data_leaves_that_email_retryable_and_the_rest_sent(
    smtp, db, due_emails, run_jobs
):
    smtp.handler.defer_rcpt_at = 3

    deliver(run_jobs)

    sent = EmailStatus.SENT
    assert states(db) == [sent, sent, EmailStatus.PENDING, sent, sent]
    deferred = db.session.get(OutboundEmail, due_emails[2])
    assert (deferred.attempts, deferred.message_id) != (0, None)
    assert len(smtp.handler.messages) == EMAILS - 1


def test_a_server_gone_mid_job_leaves_the_rest_retryable(
    smtp, db, due_emails, run_jobs
):
    smtp.handler.close_after = 1
    smtp.handler.stop_listening = smtp.server.close

    deliver(run_jobs)

    assert states(db) == [EmailStatus.SENT] + [EmailStatus.PENDING] * (EMAILS - 1)
    db.session.expire_all()
    rest = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.id != due_emails[0])
    )
    assert {(email.attempts, email.sending_started_at) for email in rest} == {(1, None)}


def test_a_crash_after_an_email_went_out_leaves_it_unknown_never_resent(
    smtp, db, due_emails, run_jobs, monkeypatch
):
    # The second email went out; its "sent" waits for the third one's claim, and
    # the worker dies while working on the third, before that commit.
    render_failing_at(monkeypatch, 3, WorkerKilled())
    with clock.frozen_at(DUE), pytest.raises(WorkerKilled):
        deliver_emails(due_emails)

    sending, pending = EmailStatus.SENDING, EmailStatus.PENDING
    assert states(db) == [EmailStatus.SENT, sending, pending, pending, pending]
    assert len(smtp.handler.messages) == 2

    monkeypatch.undo()
    with clock.frozen_at(DUE + SENDING_LEASE + timedelta(minutes=1)):
        assert run_tick().emails_marked_unknown == 1
        run_jobs()

    sent = EmailStatus.SENT
    assert states(db) == [sent, EmailStatus.UNKNOWN, sent, sent, sent]
    assert len(smtp.handler.messages) == EMAILS  # the second one went out once


def test_an_error_after_an_email_went_out_keeps_its_sent(
    smtp, db, due_emails, run_jobs, monkeypatch
):
    # The third email's error rolls back the transaction that held the second's
    # "sent": it is written again on its own, and the third stays retryable.
    render_failing_at(monkeypatch, 3, RuntimeError("a bug"))

    deliver(run_jobs)

    sent = EmailStatus.SENT
    assert states(db) == [sent, sent, EmailStatus.PENDING, sent, sent]
    second = db.session.get(OutboundEmail, due_emails[1])
    assert second.sent_at is not None
    step = db.session.get(Touchpoint, second.touchpoint_id)
    assert step.status == TouchpointStatus.SENT
    lines = db.session.scalars(
        select(TimelineEntry.kind).filter_by(touchpoint_id=step.id)
    )
    assert TimelineKind.SENT in set(lines)
    third = db.session.get(OutboundEmail, due_emails[2])
    assert (third.attempts, third.sending_started_at) == (1, None)
    assert len(smtp.handler.messages) == EMAILS - 1
