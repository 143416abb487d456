"""The intake answers a known source's deliveries as Flask's route would."""

from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import func, select
from werkzeug.test import Client

from plugin.models import InboxEvent
from plugin.views.intake import WebhookIntake
from tests.support.events import interview_event
from tests.support.signing import SignedPost, sign_headers

# Each case: the changes to the example event, or a body of its own, and what to send.
CASES = {
    "accepted": {},
    "duplicate": {"msg_id": "msg_twice"},
    "unsigned": {"headers": {"webhook-signature": "v1,AAAA"}},
    "not json": {"body": b"{not json"},
    "schema": {"event": interview_event(**{"data.candidate.email": "nope"})},
    "too large": {"body": b"{" + b" " * 300_000 + b"}"},
}


@pytest.fixture
def route_post(app) -> SignedPost:
    """Posts signed deliveries to Flask's own route, past the intake."""
    intake = app.wsgi_app
    assert isinstance(intake, WebhookIntake)
    return SignedPost(Client(lambda environ, start: intake.inner(environ, start)))


@pytest.mark.parametrize("case", CASES)
def test_the_intake_answers_as_the_flask_route_does(db, app, client, route_post, case):
    options = dict(CASES[case])
    event = options.pop("event", interview_event())
    if case == "duplicate":
        route_post(event, **options)
    by_intake = SignedPost(client)(event, **options)
    by_route = route_post(event, **options)

    assert by_intake.status_code == by_route.status_code
    intake_body, route_body = by_intake.get_json(), by_route.get_json()
    # Two stored events have two ids; everything else is the same.
    intake_body.pop("id", None), route_body.pop("id", None)
    assert intake_body == route_body
    for header in ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options"):
        assert by_intake.headers[header] == by_route.headers[header]


def test_an_unexpected_error_is_a_json_500_that_stores_nothing(
    db, post_event, monkeypatch, caplog
):
    def broken(payload):
        raise RuntimeError("a bug")

    monkeypatch.setattr("webhooks.standard.surely_valid", broken)

    with caplog.at_level(logging.ERROR):
        response = post_event(interview_event())

    assert response.status_code == 500
    assert response.get_json()["error"] == "internal_error"
    assert "unhandled RuntimeError" in caplog.text
    assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 0


def test_a_body_cut_short_of_its_length_is_400_and_stores_nothing(db, app):
    raw = json.dumps(interview_event()).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/webhooks/standard",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw) + 100),
        "wsgi.input": io.BytesIO(raw),
        **{
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in sign_headers(raw).items()
        },
    }
    answered = []

    body = b"".join(
        app.wsgi_app(environ, lambda status, headers: answered.append(status))
    )

    assert answered == ["400 Bad Request"]
    assert json.loads(body)["fields"] == {"body": ["Shorter than its Content-Length."]}
    assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 0


def test_other_requests_reach_flask(client, post_event):
    assert client.get("/webhooks/standard").status_code == 405
    assert post_event(interview_event(), path="/webhooks/standard/").status_code in (
        308,
        404,
    )
    preview = post_event(interview_event(), path="/webhooks/standard/preview")
    assert preview.status_code == 200
    assert "applications" in preview.get_json()
