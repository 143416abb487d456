"""Plan previews: a signed event over HTTP, an application or event file in the CLI."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from plugin.models import Application, InboxEvent, TimelineEntry, Touchpoint
from tests.support.events import interview_event
from tests.support.signing import sign_headers


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
