"""Ashby deliveries refused or deduplicated, our faults, and Ashby being down."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import queue_due_events
from plugin.models import Application, InboxEvent, InboxStatus
from tests.fakes.ashby_api import (
    WEBHOOK_SECRET,
    ashby_settings,
    post,
    running_ashby,
    schedule,
    seed_tenant,
    signed,
    webhook,
)
from tests.support.storage import inbox_inserts_failing
from webhooks.ashby import client as ashby_client

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
# Answers after which Ashby never retries (developers.ashbyhq.com/docs/retries).
FINAL_FOR_ASHBY = {401, 403, 404, 405, 410}


@pytest.fixture
def ashby():
    with running_ashby() as state:
        seed_tenant(state)
        yield state


@pytest.fixture
def settings(settings, ashby):
    settings.update(ashby_settings(ashby))
    return settings


def _inbox(db):
    db.session.expire_all()
    return db.session.scalars(select(InboxEvent).order_by(InboxEvent.id)).all()


def _schedule_webhook(action="interviewScheduleCreate", action_id="act-1"):
    return webhook(action, {"interviewSchedule": schedule()}, action_id)


def _signature_of(body: bytes) -> str:
    digest = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _raw_post(client, body, headers):
    with clock.frozen_at(NOW):
        return client.post(
            "/webhooks/ashby",
            data=body,
            headers=headers,
            content_type="application/json",
        )


@pytest.mark.parametrize(
    "header",
    [
        None,
        "sha256=" + "00" * 32,
        "sha256=zz",
        "sha1=" + "00" * 20,
        "",
    ],
    ids=["missing", "wrong", "not hex", "other algorithm", "empty"],
)
def test_a_bad_signature_is_401_and_stores_nothing(client, db, header):
    body, _ = signed(_schedule_webhook())
    headers = {} if header is None else {"Ashby-Signature": header}

    answer = _raw_post(client, body, headers)

    assert answer.status_code == 401
    assert _inbox(db) == []


def test_a_body_changed_after_signing_is_refused(client, db):
    body, headers = signed(_schedule_webhook())

    answer = _raw_post(client, body.replace(b"Scheduled", b"Cancelled"), headers)

    assert answer.status_code == 401


def test_no_secret_means_no_webhook(client, app, db):
    app.config["ASHBY_WEBHOOK_SECRETS"] = ()

    with clock.frozen_at(NOW):
        answer = post(client, _schedule_webhook())

    assert answer.status_code == 401
    assert "ASHBY_WEBHOOK_SECRET" in answer.get_json()["message"]
    assert _inbox(db) == []


def test_the_same_action_delivered_twice_is_stored_once(client, db):
    with clock.frozen_at(NOW):
        first = post(client, _schedule_webhook())
        again = post(client, _schedule_webhook())

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.get_json()["status"] == "duplicate"
    assert len(_inbox(db)) == 1


def test_related_webhooks_of_one_action_are_each_kept(client, db):
    # Ashby fires interviewScheduleUpdate with the create, under the same id.
    with clock.frozen_at(NOW):
        create = post(client, _schedule_webhook("interviewScheduleCreate"))
        update = post(client, _schedule_webhook("interviewScheduleUpdate"))

    assert (create.status_code, update.status_code) == (202, 202)
    assert [row.delivery_id for row in _inbox(db)] == [
        "act-1:interviewScheduleCreate",
        "act-1:interviewScheduleUpdate",
    ]


def test_without_an_action_id_the_body_is_the_key(client, db):
    with clock.frozen_at(NOW):
        first = post(client, _schedule_webhook(action_id=None))
        again = post(client, _schedule_webhook(action_id=None))
        other = post(
            client, webhook("ping", {"webhookActionType": "ping"}, action_id=None)
        )

    assert [a.status_code for a in (first, again, other)] == [202, 200, 202]
    assert all(row.delivery_id.startswith("sha256:") for row in _inbox(db))


def test_storage_failing_is_a_503_that_ashby_retries(client, db):
    with clock.frozen_at(NOW), inbox_inserts_failing():
        answer = post(client, _schedule_webhook())

    assert answer.status_code == 503
    assert answer.status_code not in FINAL_FOR_ASHBY
    assert _inbox(db) == []


def test_ashby_down_keeps_the_event_and_retries_it_later(
    client, db, run_jobs, ashby, caplog, runner
):
    ashby.fail_with = 502
    with clock.frozen_at(NOW):
        post(client, _schedule_webhook())
        run_jobs()

    (row,) = _inbox(db)
    assert (row.status, row.attempts) == (InboxStatus.PENDING, 1)
    assert row.last_error.startswith("SourceUnavailable")
    listed = runner.invoke(args=["sources", "list", "--json"])
    rows = {row["name"]: row for row in json.loads(listed.output)}
    assert (rows["ashby"]["configured"], rows["ashby"]["backlog"]) == (True, 1)

    ashby.fail_with = None
    later = NOW + timedelta(minutes=3)
    with clock.frozen_at(later):
        assert queue_due_events(later) == 1
        run_jobs()

    (row,) = _inbox(db)
    assert row.status == InboxStatus.PROCESSED
    assert db.session.scalars(select(Application)).one().job_title
    assert "dana@example.org" not in caplog.text


def test_ashby_too_slow_counts_as_down(client, db, run_jobs, ashby, monkeypatch):
    monkeypatch.setattr(ashby_client, "TIMEOUT_SECONDS", 0.2)
    ashby.delay_seconds = 1.0
    with clock.frozen_at(NOW):
        post(client, _schedule_webhook())
        run_jobs()

    (row,) = _inbox(db)
    assert (row.status, row.attempts) == (InboxStatus.PENDING, 1)


def test_an_application_ashby_no_longer_knows_is_ignored(client, db, run_jobs, ashby):
    del ashby.applications["appl-5521"]
    with clock.frozen_at(NOW):
        post(client, _schedule_webhook())
        run_jobs()

    (row,) = _inbox(db)
    assert row.status == InboxStatus.IGNORED
    assert "no longer knows" in row.last_error


def test_a_body_that_is_not_json_is_a_400_once_signed(client, db):
    body = b"action=ping"
    headers = {"Ashby-Signature": _signature_of(body)}

    answer = _raw_post(client, body, headers)

    assert answer.status_code == 400
    assert _inbox(db) == []


def test_a_long_unknown_action_is_refused_not_stored(client, db):
    with clock.frozen_at(NOW):
        answer = post(client, webhook("x" * 100, {}, "act-9"))

    assert answer.status_code == 422
    assert json.loads(answer.data)["fields"] == {
        "action": ["Missing, not a string, or too long."]
    }
