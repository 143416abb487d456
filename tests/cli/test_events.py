"""`followup events`: stuck deliveries listed and replayed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.models import InboxEvent, InboxStatus
from tests.support.events import interview_event


def test_events_list_stuck_and_replay(db, runner, post_event, run_jobs, redis):
    post_event(interview_event())
    redis.flushdb()  # the processing job was lost
    with clock.frozen_at(datetime.now(UTC) + timedelta(minutes=10)):
        listed = runner.invoke(args=["events", "list", "--stuck"])
    event_id = db.session.scalar(select(InboxEvent.id))

    replayed = runner.invoke(args=["events", "replay", str(event_id)])
    run_jobs()

    assert f"{event_id:>6}  pending" in listed.output
    assert replayed.exit_code == 0, replayed.output
    db.session.expire_all()
    assert db.session.get(InboxEvent, event_id).status == InboxStatus.PROCESSED


def test_events_replay_of_an_unknown_id_is_a_clear_error(runner):
    result = runner.invoke(args=["events", "replay", "999"])

    assert result.exit_code == 2
    assert "no stored delivery 999" in result.output
