"""`followup outbox`: emails of unknown fate listed and settled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import EmailStatus, OutboundEmail
from tests.support.events import interview_event

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_outbox_list_unknown_and_resolve_as_not_sent_resends(
    db, runner, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    smtp.hang_up_after_data = True
    with clock.frozen_at(DUE):
        run_tick()
        run_jobs()
    smtp.hang_up_after_data = False
    email_id = db.session.scalar(select(OutboundEmail.id))

    listed = runner.invoke(args=["outbox", "list", "--unknown"])
    resolved = runner.invoke(
        args=["outbox", "resolve", str(email_id), "--as", "not-sent"]
    )
    with clock.frozen_at(DUE + timedelta(minutes=5)):
        run_tick()
        run_jobs()

    assert f"{email_id:>6}  unknown" in listed.output
    assert resolved.exit_code == 0, resolved.output
    assert len(smtp.candidate_messages) == 1
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email_id).status == EmailStatus.SENT


def test_outbox_resolve_as_sent_settles_the_step(db, runner, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DUE):
        run_tick()
    db.session.execute(
        update(OutboundEmail).values(status=EmailStatus.UNKNOWN, sending_started_at=DUE)
    )
    db.session.commit()
    email_id = db.session.scalar(select(OutboundEmail.id))

    result = runner.invoke(args=["outbox", "resolve", str(email_id), "--as", "sent"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    email = db.session.get(OutboundEmail, email_id)
    assert (email.status, email.touchpoint.status) == ("sent", "sent")


def test_outbox_resolve_refuses_an_email_that_is_not_unknown(runner):
    result = runner.invoke(args=["outbox", "resolve", "12345", "--as", "sent"])

    assert result.exit_code == 2
