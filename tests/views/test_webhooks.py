"""`POST /webhooks/<source>`: every answer docs/events.md lists, and none is a 500."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from plugin.models import Application, Candidate, InboxEvent
from tests.support.events import DELETE, interview_event
from tests.support.signing import sign_headers


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_accepted_event_is_stored_and_answered_202(db, post_event):
    response = post_event(interview_event(), msg_id="msg_accept")

    assert response.status_code == 202
    stored = db.session.scalars(select(InboxEvent)).one()
    assert response.get_json() == {"status": "accepted", "id": stored.id}
    assert (stored.source, stored.delivery_id, stored.event_type) == (
        "standard",
        "msg_accept",
        "interview.scheduled",
    )


def test_same_delivery_twice_is_200_and_stored_once(db, post_event):
    first = post_event(interview_event(), msg_id="msg_twice")
    second = post_event(interview_event(), msg_id="msg_twice")

    assert (first.status_code, second.status_code) == (202, 200)
    assert second.get_json() == {"status": "duplicate", "id": first.get_json()["id"]}
    assert count(db, InboxEvent) == 1


def test_body_that_is_not_json_is_400(db, post_event):
    response = post_event(None, body=b"<xml>nope</xml>")

    assert response.status_code == 400
    assert response.get_json()["fields"] == {"body": ["Not a JSON document."]}
    assert count(db, InboxEvent) == 0


def test_body_that_is_not_utf8_is_400(db, post_event):
    response = post_event(None, body=b'{"type": "\xff\xfe"}')

    assert response.status_code == 400
    assert count(db, InboxEvent) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "interview.exploded"}, "type"),
        ({"type": DELETE}, "type"),
        ({"timestamp": "last tuesday"}, "timestamp"),
        ({"timestamp": "2026-12-01T09:12:00"}, "timestamp"),
        ({"data.candidate.id": DELETE}, "data.candidate.id"),
        ({"data.candidate.id": ""}, "data.candidate.id"),
        ({"data.candidate.id": True}, "data.candidate.id"),
        ({"data.application.id": DELETE}, "data.application.id"),
        ({"data.interview.id": DELETE}, "data.interview.id"),
        ({"data.interview": DELETE}, "data.interview"),
        ({"data.interview.starts_at": DELETE}, "data.interview.starts_at"),
        (
            {"data.interview.ends_at": "2026-12-01T13:00:00-06:00"},
            "data.interview.ends_at",
        ),
        ({"data.candidate.email": DELETE}, "data.candidate.email"),
        ({"data.candidate.email": "not-an-email"}, "data.candidate.email"),
        ({"data.candidate.timezone": "Mars/Olympus_Mons"}, "data.candidate.timezone"),
        ({"data.candidate.timezone": "../../etc/passwd"}, "data.candidate.timezone"),
        (
            {"data.application.decision_deadline": "next week"},
            "data.application.decision_deadline",
        ),
        (
            {"data.interview.interviewers": [{"title": "No name"}]},
            "data.interview.interviewers.0.name",
        ),
        (
            {"data.application.recruiter": {"name": "No email"}},
            "data.application.recruiter.email",
        ),
        ({"data": "not an object"}, "data._schema"),
    ],
)
def test_schema_violation_is_422_naming_the_field(db, post_event, change, field):
    response = post_event(interview_event(**change))

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_event"
    assert field in body["fields"], body["fields"]
    assert count(db, InboxEvent) == 0


def test_json_that_is_not_an_object_is_422(db, post_event):
    response = post_event([1, 2, 3])

    assert response.status_code == 422
    assert count(db, InboxEvent) == 0


def test_unknown_fields_are_ignored(db, post_event):
    response = post_event(
        interview_event(
            **{"data.candidate.favourite_colour": "teal", "extra": {"nested": True}}
        )
    )

    assert response.status_code == 202


def test_cancel_event_needs_only_the_interview_id(db, post_event):
    event = interview_event(
        type="interview.cancelled",
        **{"data.interview": {"id": "i-9001"}, "data.candidate": {"id": "c-881"}},
    )

    assert post_event(event).status_code == 202


def test_body_over_the_size_limit_is_413(db, post_event):
    event = interview_event(padding="x" * (256 * 1024))

    response = post_event(event)

    assert response.status_code == 413
    assert response.get_json()["fields"] == {"body": ["Larger than the size limit."]}
    assert count(db, InboxEvent) == 0


def test_unknown_source_is_404(db, post_event):
    response = post_event(interview_event(), path="/webhooks/nosuchats")

    assert response.status_code == 404
    assert response.get_json()["fields"] == {"source": ["Unknown webhook source."]}
    assert count(db, InboxEvent) == 0


def test_get_on_the_webhook_url_is_405_json(client):
    response = client.get("/webhooks/standard")

    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_database_down_is_503_so_the_sender_retries(settings, redis):
    from plugin import create_app

    settings["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(settings)
    raw = json.dumps(interview_event()).encode()

    response = app.test_client().post(
        "/webhooks/standard", data=raw, headers=sign_headers(raw)
    )

    assert response.status_code == 503
    assert response.get_json()["error"] == "storage_unavailable"


def test_a_bad_event_changes_nothing_already_stored(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    bad = interview_event(
        **{"data.candidate.email": "broken", "data.candidate.first_name": "Changed"}
    )

    assert post_event(bad).status_code == 422
    run_jobs()

    db.session.expire_all()
    assert db.session.scalars(select(Candidate)).one().first_name == "Dana"
    assert count(db, Application) == 1
    assert count(db, InboxEvent) == 1
