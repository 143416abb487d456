"""Erasure on request, and purging bodies after the retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import Application, Candidate, InboxEvent, OutboundEmail, Touchpoint
from tests.support.candidate import THANK_YOU_DUE, first_email
from tests.support.events import interview_event


def test_forget_erases_the_person_and_keeps_anonymous_counts(
    db, runner, smtp, post_event, run_jobs
):
    first_email(post_event, run_jobs, smtp)

    result = runner.invoke(args=["candidates", "forget", "standard:c-881"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    candidate = db.session.scalars(select(Candidate)).one()
    assert (candidate.first_name, candidate.last_name, candidate.email) == (None,) * 3
    assert candidate.forgotten_at is not None
    email = db.session.scalars(select(OutboundEmail)).one()
    assert (email.subject, email.body_text, email.body_html) == (None,) * 3
    assert db.session.scalars(select(InboxEvent)).one().raw_body is None
    assert db.session.scalar(select(func.count()).select_from(Touchpoint)) == 4
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_a_later_event_brings_no_erased_data_back(
    db, runner, smtp, post_event, run_jobs
):
    first_email(post_event, run_jobs, smtp)
    runner.invoke(args=["candidates", "forget", "standard:c-881"])

    post_event(
        interview_event(
            timestamp="2026-12-05T10:00:00Z", **{"data.interview.id": "i-new"}
        )
    )
    run_jobs()

    db.session.expire_all()
    candidate = db.session.scalars(select(Candidate)).one()
    assert candidate.email is None and candidate.first_name is None


def test_forget_an_unknown_candidate_is_a_clear_error(runner):
    result = runner.invoke(args=["candidates", "forget", "standard:nobody"])

    assert result.exit_code == 2
    assert "no candidate standard:nobody" in result.output


def test_bodies_are_purged_after_the_retention_period(db, smtp, post_event, run_jobs):
    with clock.frozen_at(THANK_YOU_DUE - timedelta(hours=7)):
        post_event(interview_event())
        run_jobs()
    with clock.frozen_at(THANK_YOU_DUE):
        run_tick()
        run_jobs()

    with clock.frozen_at(THANK_YOU_DUE + timedelta(days=29)):
        kept = run_tick().bodies_purged
    with clock.frozen_at(THANK_YOU_DUE + timedelta(days=31)):
        purged = run_tick().bodies_purged

    assert (kept, purged) == (0, 2)
    db.session.expire_all()
    assert db.session.scalars(select(InboxEvent)).one().raw_body is None
    email = db.session.scalars(
        select(OutboundEmail).filter_by(template="thank_you")
    ).one()
    assert email.body_text is None and email.message_id is not None
