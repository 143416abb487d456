"""Lever deliveries that must be refused or set aside, and Lever being down."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import queue_due_events
from plugin.models import Application, InboxEvent, InboxStatus, TouchpointStatus
from plugin.operations.planning import touchpoints_of
from tests.fakes.lever_api import (
    NOW,
    OTHER_SIGNATURE_TOKEN,
    STARTS,
    delivery,
    interview_data,
    lever_settings,
    post,
    running_lever,
    seed_tenant,
)
from webhooks.lever import REPLAY_WINDOW
from webhooks.lever import client as lever_client


@pytest.fixture
def lever():
    with running_lever() as state:
        seed_tenant(state, STARTS)
        yield state


@pytest.fixture
def settings(settings, lever):
    settings.update(lever_settings(lever))
    return settings


def _send(client, body, at=NOW):
    with clock.frozen_at(at):
        return post(client, body)


def _inbox(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def _created(at=NOW, **signing):
    return delivery("interviewCreated", interview_data(), at, **signing)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda b: b.update(signature="00" * 32), id="wrong signature"),
        pytest.param(lambda b: b.update(signature="not hex"), id="not hex"),
        pytest.param(lambda b: b.pop("signature"), id="no signature"),
        pytest.param(lambda b: b.update(token=b["token"] + "x"), id="token changed"),
        pytest.param(lambda b: b.update(triggeredAt=b["triggeredAt"] + 1), id="time"),
        pytest.param(lambda b: b.update(triggeredAt="soon"), id="time not a number"),
        pytest.param(lambda b: b.update(token="t" * 201), id="token too long"),
    ],
)
def test_a_delivery_that_fails_the_signature_is_401_and_stores_nothing(
    client, db, spoil
):
    body = _created()
    spoil(body)

    answer = _send(client, body)

    assert answer.status_code == 401
    assert answer.get_json()["error"] == "invalid_signature"
    assert _inbox(db) == []


def test_a_body_signed_with_an_unknown_token_is_refused(client, db):
    answer = _send(client, _created(key="somebody else's token"))

    assert answer.status_code == 401
    assert _inbox(db) == []


def test_a_body_that_is_not_json_carries_no_signature(client, db):
    answer = _send(client, b"token=abc&signature=def")

    assert answer.status_code == 401
    assert _inbox(db) == []


def test_any_configured_signature_token_is_accepted(client, db):
    answer = _send(client, _created(key=OTHER_SIGNATURE_TOKEN))

    assert answer.status_code == 202


def test_no_signature_token_means_no_webhook(client, app, db):
    app.config["LEVER_SIGNATURE_TOKENS"] = ()

    answer = _send(client, _created())

    assert answer.status_code == 401
    assert "LEVER_SIGNATURE_TOKEN" in answer.get_json()["message"]
    assert _inbox(db) == []


def test_a_retry_inside_the_window_is_accepted(client, db):
    sent = NOW - REPLAY_WINDOW + timedelta(minutes=1)

    assert _send(client, _created(at=sent)).status_code == 202


@pytest.mark.parametrize(
    "sent",
    [NOW - REPLAY_WINDOW - timedelta(minutes=1), NOW + timedelta(minutes=6)],
    ids=["older than the window", "from the future"],
)
def test_a_delivery_outside_the_window_is_refused(client, db, sent):
    answer = _send(client, _created(at=sent))

    assert answer.status_code == 401
    assert "triggeredAt" in answer.get_json()["message"]
    assert _inbox(db) == []


def test_a_replayed_token_has_no_second_effect(client, db, run_jobs, lever):
    body = _created()
    assert _send(client, body).status_code == 202
    with clock.frozen_at(NOW):
        run_jobs()
    calls = sum(lever.calls.values())

    # The same signed token with other data: Lever's signature does not cover it.
    body["data"] = interview_data("int-other")
    answer = _send(client, body, at=NOW + timedelta(hours=1))
    with clock.frozen_at(NOW + timedelta(hours=1)):
        run_jobs()

    assert answer.status_code == 200
    assert answer.get_json()["status"] == "duplicate"
    assert len(_inbox(db)) == 1
    assert sum(lever.calls.values()) == calls


def test_lever_down_keeps_the_event_and_retries_it_later(
    client, db, run_jobs, lever, caplog, runner
):
    lever.fail_with = 503
    with clock.frozen_at(NOW):
        assert _send(client, _created()).status_code == 202
        run_jobs()

    (row,) = _inbox(db)
    assert (row.status, row.attempts) == (InboxStatus.PENDING, 1)
    assert row.last_error.startswith("SourceUnavailable")
    assert db.session.scalars(select(Application)).all() == []
    listed = runner.invoke(args=["sources", "list", "--json"])
    rows = {row["name"]: row for row in json.loads(listed.output)}
    assert (rows["lever"]["configured"], rows["lever"]["backlog"]) == (True, 1)

    lever.fail_with = None
    later = NOW + timedelta(minutes=3)  # past the first back-off of two minutes
    with clock.frozen_at(later):
        assert queue_due_events(later) == 1
        run_jobs()

    (row,) = _inbox(db)
    assert row.status == InboxStatus.PROCESSED
    application = db.session.scalars(select(Application)).one()
    steps = {tp.step: tp.status for tp in touchpoints_of(application.id)}
    assert steps["thank_you"] == TouchpointStatus.PLANNED
    assert "dana@example.org" not in caplog.text


def test_lever_too_slow_counts_as_down(client, db, run_jobs, lever, monkeypatch):
    monkeypatch.setattr(lever_client, "TIMEOUT_SECONDS", 0.2)
    lever.delay_seconds = 1.0
    with clock.frozen_at(NOW):
        _send(client, _created())
        run_jobs()

    (row,) = _inbox(db)
    assert (row.status, row.attempts) == (InboxStatus.PENDING, 1)
    assert row.last_error.startswith("SourceUnavailable")


def test_a_wrong_api_key_is_retried_not_dropped(client, db, run_jobs, lever, app):
    app.config["LEVER_API_KEY"] = "revoked"
    with clock.frozen_at(NOW):
        _send(client, _created())
        run_jobs()

    (row,) = _inbox(db)
    assert (row.status, row.attempts) == (InboxStatus.PENDING, 1)


def test_refusals_log_no_token_or_body(client, caplog):
    caplog.set_level(logging.DEBUG)
    body = _created()
    body["signature"] = "00" * 32

    _send(client, body)

    assert body["token"] not in caplog.text
    assert json.dumps(body["data"]) not in caplog.text
