"""The tick: claims only what is due, and recovers work whose job was lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.extensions import count_statements
from plugin.jobs.tick import claim_due_touchpoints, run_tick
from plugin.models import InboxEvent, InboxStatus, OutboundEmail, Touchpoint
from tests.support.events import interview_event

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_event_whose_job_was_lost_is_processed_by_a_later_tick(
    db, redis, post_event, run_jobs
):
    post_event(interview_event())
    redis.flushdb()  # Redis lost everything after the commit

    with clock.frozen_at(datetime.now(UTC) + timedelta(minutes=6)):
        report = run_tick()
    run_jobs()

    assert report.events_queued == 1
    db.session.expire_all()
    assert db.session.scalars(select(InboxEvent)).one().status == InboxStatus.PROCESSED
    assert (
        db.session.scalars(select(Touchpoint).filter_by(step="thank_you")).one().due_at
        == DUE
    )


def test_email_whose_job_was_lost_is_queued_again(
    db, redis, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DUE):
        run_tick()
    redis.flushdb()

    with clock.frozen_at(DUE + timedelta(minutes=1)):
        assert run_tick().emails_queued == 0  # queued a minute ago: give it time
    with clock.frozen_at(DUE + timedelta(minutes=6)):
        assert run_tick().emails_queued == 1
        run_jobs()

    assert len(smtp.candidate_messages) == 1


def test_claim_uses_a_fixed_number_of_statements_per_batch(
    app, db, post_event, run_jobs
):
    for number in range(30):
        post_event(
            interview_event(
                **{
                    "data.application.id": f"a-{number}",
                    "data.interview.id": f"i-{number}",
                }
            )
        )
    run_jobs()
    claimed = []

    statements = count_statements(
        lambda: claimed.append(claim_due_touchpoints(DUE, limit=500))
    )

    assert claimed == [30]
    assert statements <= 3  # select, update, insert (executemany counts once)
    assert len(db.session.scalars(select(OutboundEmail)).all()) == 30


def test_tick_claims_nothing_not_yet_due(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()

    with clock.frozen_at(DUE - timedelta(seconds=1)):
        report = run_tick()

    assert report.touchpoints_claimed == 0
