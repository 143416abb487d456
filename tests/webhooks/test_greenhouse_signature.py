"""Greenhouse deliveries refused or deduplicated, our faults, and Harvest being down."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import queue_due_events
from plugin.models import Application, InboxEvent, InboxStatus, Interview
from tests.fakes.greenhouse_api import (
    application_payload,
    encoded,
    greenhouse_settings,
    ping,
    post,
    signature,
    webhook,
)
from tests.support.greenhouse_fixtures import NOW, seeded_greenhouse
from tests.support.storage import inbox_inserts_failing


@pytest.fixture
def greenhouse():
    with seeded_greenhouse({}) as state:
        yield state


@pytest.fixture
def settings(settings, greenhouse):
    settings.update(greenhouse_settings(greenhouse))
    return settings


def _inbox(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def _stage_change():
    return webhook("candidate_stage_change", {"application": application_payload()})


def _raw_post(client, body, headers):
    with clock.frozen_at(NOW):
        return client.post(
            "/webhooks/greenhouse",
            data=body,
            headers=headers,
            content_type="application/json",
        )


@pytest.mark.parametrize(
    "header",
    [None, "sha256 " + "00" * 32, "sha256 zz", "sha256=" + "00" * 32, ""],
    ids=["missing", "wrong", "not hex", "another vendor's form", "empty"],
)
def test_a_bad_signature_is_401_and_stores_nothing(client, db, header):
    body = encoded(_stage_change())
    headers = {} if header is None else {"Signature": header}

    answer = _raw_post(client, body, headers)

    assert answer.status_code == 401
    assert set(answer.get_json()) >= {"error", "message", "fields"}
    assert _inbox(db) == []


def test_a_body_changed_after_signing_is_refused(client, db):
    body = encoded(_stage_change())
    headers = {"Signature": signature(body)}

    answer = _raw_post(client, body.replace(b"Dana", b"Dina"), headers)

    assert answer.status_code == 401


def test_escaped_unicode_is_verified_on_the_bytes_as_sent(client, db):
    payload = _stage_change()
    payload["payload"]["application"]["jobs"][0]["notes"] = "<p>Panel & lunch</p>"
    body = encoded(payload)
    assert b"\\u003cp\\u003e" in body and b"\\u0026" in body

    answer = _raw_post(client, body, {"Signature": signature(body)})
    # Re-serialised JSON (unescaped) is not what Greenhouse signed.
    resent = json.dumps(json.loads(body)).encode()
    refused = _raw_post(client, resent, {"Signature": signature(body)})

    assert answer.status_code == 200
    assert (refused.status_code, len(_inbox(db))) == (401, 1)
    assert _inbox(db)[0].raw_body == body


def test_no_secret_means_no_webhook(client, app, db):
    app.config["GREENHOUSE_WEBHOOK_SECRETS"] = ()
    with clock.frozen_at(NOW):
        answers = [post(client, _stage_change()), post(client, ping())]

    assert [a.status_code for a in answers] == [401, 401]
    assert _inbox(db) == []


def test_the_same_event_id_delivered_twice_is_stored_once(client, db):
    with clock.frozen_at(NOW):
        first = post(client, _stage_change(), event_id="evt-1")
        again = post(client, _stage_change(), event_id="evt-1")

    assert [first.status_code, again.status_code] == [200, 200]
    assert again.get_json()["status"] == "duplicate"
    (row,) = _inbox(db)
    assert row.delivery_id == "event:evt-1"


def test_without_an_event_id_the_body_is_the_key(client, db):
    with clock.frozen_at(NOW):
        first = post(client, _stage_change(), event_id=None)
        again = post(client, _stage_change(), event_id=None)
        other = post(
            client, webhook("hire_candidate", _stage_change()["payload"]), event_id=None
        )

    assert [a.get_json()["status"] for a in (first, again, other)] == [
        "accepted",
        "duplicate",
        "accepted",
    ]
    assert all(row.delivery_id.startswith("sha256:") for row in _inbox(db))


def test_pings_are_never_turned_away_by_repetition(client, db):
    with clock.frozen_at(NOW):
        answers = [post(client, ping(), event_id="ping-1") for _ in range(30)]

    assert {a.status_code for a in answers} == {200}
    assert _inbox(db) == []


def test_storage_failing_is_a_503_that_greenhouse_retries(client, db):
    with clock.frozen_at(NOW), inbox_inserts_failing():
        answer = post(client, _stage_change())

    assert answer.status_code == 503
    assert _inbox(db) == []


def test_a_body_that_is_not_json_is_a_400_once_signed(client, db):
    body = b"action=ping"

    answer = _raw_post(client, body, {"Signature": signature(body)})

    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"body": ["Not a JSON document."]}


def test_a_body_over_the_limit_is_a_413(client, app, db):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    payload = _stage_change()
    payload["payload"]["application"]["jobs"][0]["notes"] = "x" * 2048
    body = encoded(payload)

    answer = _raw_post(client, body, {"Signature": signature(body)})

    assert answer.status_code == 413
    assert _inbox(db) == []


def test_a_decision_without_its_application_is_refused_naming_it(client, db):
    payload = webhook("hire_candidate", {"application": {"candidate": {}}})
    with clock.frozen_at(NOW):
        answer = post(client, payload)

    assert answer.status_code == 422
    assert answer.get_json()["fields"] == {
        "payload.application.id": ["Missing or not an id."]
    }
    assert _inbox(db) == []


def test_harvest_down_keeps_the_event_and_retries_it_later(
    client, db, run_jobs, greenhouse, runner, caplog
):
    greenhouse.fail_with = 503
    with clock.frozen_at(NOW):
        assert post(client, _stage_change()).status_code == 200
        run_jobs()

    (row,) = _inbox(db)
    assert (row.status, row.attempts) == (InboxStatus.PENDING, 1)
    assert row.last_error.startswith("SourceUnavailable")
    listed = runner.invoke(args=["sources", "list", "--json"])
    rows = {row["name"]: row for row in json.loads(listed.output)}
    assert (rows["greenhouse"]["configured"], rows["greenhouse"]["backlog"]) == (
        True,
        1,
    )

    greenhouse.fail_with = None
    later = NOW + timedelta(minutes=3)
    with clock.frozen_at(later):
        assert queue_due_events(later) == 1
        run_jobs()

    (row,) = _inbox(db)
    assert row.status == InboxStatus.PROCESSED
    assert db.session.scalars(select(Application)).one().job_title
    assert db.session.scalars(select(Interview)).one()
    assert "dana@example.org" not in caplog.text


def test_a_refused_token_is_renewed_once(client, db, run_jobs, greenhouse):
    with clock.frozen_at(NOW):
        post(client, _stage_change())
        run_jobs()
    greenhouse.tokens.clear()  # Greenhouse forgot every token it issued

    with clock.frozen_at(NOW + timedelta(minutes=1)):
        post(client, _stage_change(), event_id="evt-2")
        run_jobs()

    assert greenhouse.calls["POST /token"] == 2
    assert all(row.status == InboxStatus.PROCESSED for row in _inbox(db))


def test_a_preview_while_harvest_is_down_is_a_503_and_keeps_nothing(
    client, db, greenhouse
):
    greenhouse.fail_with = 503
    body = encoded(_stage_change())

    with clock.frozen_at(NOW):
        answer = client.post(
            "/webhooks/greenhouse/preview",
            data=body,
            headers={"Signature": signature(body)},
            content_type="application/json",
        )

    assert answer.status_code == 503
    assert answer.get_json()["error"] == "source_unavailable"
    assert _inbox(db) == []
    assert db.session.scalars(select(Application)).all() == []
