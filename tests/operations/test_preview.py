"""Operators' tools: preview, stuck events, unknown emails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import (
    Application,
    EmailStatus,
    InboxEvent,
    InboxStatus,
    OutboundEmail,
    TimelineEntry,
    Touchpoint,
)
from tests.support.events import interview_event
from tests.support.signing import sign_headers

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_of_an_event_shows_the_plan_and_keeps_nothing(db, client):
    raw = json.dumps(interview_event()).encode()

    response = client.post(
        "/webhooks/standard/preview", data=raw, headers=sign_headers(raw)
    )

    assert response.status_code == 200
    (preview,) = response.get_json()["applications"]
    assert [s["step"] for s in preview["steps"]] == [
        "thank_you",
        "handwritten_note",
        "check_in",
        "move_on",
    ]
    assert preview["steps"][0]["due_candidate_local"] == "2026-12-01T16:00:00-06:00"
    assert preview["steps"][0]["due_employer_local"] == "2026-12-01T16:00:00-06:00"
    assert preview["candidate_zone"] == "America/Chicago"
    for model in (InboxEvent, Application, Touchpoint, TimelineEntry):
        assert count(db, model) == 0


def test_preview_endpoint_needs_a_valid_signature(db, client):
    raw = json.dumps(interview_event()).encode()

    response = client.post(
        "/webhooks/standard/preview",
        data=raw,
        headers={**sign_headers(raw), "webhook-signature": "v1,AAAA"},
    )

    assert response.status_code == 401


def test_preview_cli_for_an_application_shows_both_local_times(
    db, runner, post_event, run_jobs
):
    post_event(
        interview_event(**{"data.application.employer.timezone": "America/New_York"})
    )
    run_jobs()
    application_id = db.session.scalar(select(Application.id))

    result = runner.invoke(args=["preview", "--application", str(application_id)])

    assert result.exit_code == 0, result.output
    assert "candidate in America/Chicago, employer in America/New_York" in result.output
    assert "thank_you" in result.output
    assert "Tue 01 Dec 16:00 (candidate)  Tue 01 Dec 17:00 (employer)" in result.output


def test_preview_cli_for_an_event_file(db, runner, tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(interview_event()))

    result = runner.invoke(args=["preview", "--event", str(path), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["steps"][3]["step"] == "move_on"
    assert count(db, Application) == 0


def test_preview_cli_names_the_bad_field_of_an_event(runner, tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(interview_event(**{"data.candidate.email": "nope"})))

    result = runner.invoke(args=["preview", "--event", str(path)])

    assert result.exit_code == 2
    assert "data.candidate.email" in result.output


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
