"""The inbox job: what was accepted is applied, or ignored with a visible reason."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select

import webhooks
from plugin.extensions import count_statements
from plugin.extensions import db as handle
from plugin.extensions.queues import EVENTS_QUEUE, PROCESS_INBOX_EVENT, enqueue
from plugin.jobs.inbox import process_inbox_event
from plugin.models import Application, InboxEvent, InboxStatus
from tests.support.events import interview_event as event
from webhooks import IgnoredEvent
from webhooks.standard import StandardWebhooks


class QuietSource(StandardWebhooks):
    """A source that finds nothing to act on in some deliveries, as adapters may."""

    name = "quiet-ats"

    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        if payload.get("mode") == "raise":
            raise IgnoredEvent("candidate 77 has no email address")
        return []


@pytest.fixture
def quiet_source(monkeypatch):
    monkeypatch.setitem(webhooks._registry, QuietSource.name, QuietSource())


def store_and_run(run_jobs, source: str, body: bytes | None) -> InboxEvent:
    """Store a delivery as the receiver would, queue it and run the worker."""
    row = InboxEvent(source=source, delivery_id="d-1", event_type="test", raw_body=body)
    handle.session.add(row)
    handle.session.commit()
    enqueue(EVENTS_QUEUE, PROCESS_INBOX_EVENT, row.id, job_id=f"inbox-event-{row.id}")
    run_jobs()
    handle.session.expire_all()
    return handle.session.get(InboxEvent, row.id)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("raise", "candidate 77 has no email address"),
        ("empty", "the source found nothing to act on"),
    ],
)
def test_a_source_with_nothing_to_act_on_ends_ignored(
    db, run_jobs, quiet_source, mode, reason
):
    row = store_and_run(run_jobs, "quiet-ats", json.dumps({"mode": mode}).encode())

    assert (row.status, row.last_error, row.attempts) == (
        InboxStatus.IGNORED,
        reason,
        0,
    )
    assert row.processed_at is not None


def test_a_stored_event_no_longer_valid_is_ignored_naming_its_fields(db, run_jobs):
    body = json.dumps(event(**{"data.candidate.timezone": "America"})).encode()

    row = store_and_run(run_jobs, "standard", body)

    assert row.status == InboxStatus.IGNORED
    assert row.last_error == "no longer passes the schema: data.candidate.timezone"
    assert db.session.scalars(select(Application)).all() == []


def test_a_purged_body_is_ignored_not_retried(db, run_jobs):
    row = store_and_run(run_jobs, "standard", None)

    assert (row.status, row.last_error) == (
        InboxStatus.IGNORED,
        "the body was purged before it was processed",
    )


def test_events_list_shows_the_ignored_with_their_reason(
    db, run_jobs, runner, quiet_source
):
    store_and_run(run_jobs, "quiet-ats", b'{"mode": "raise"}')

    listed = runner.invoke(args=["events", "list", "--status", "ignored"])
    stuck = runner.invoke(args=["events", "list", "--stuck"])

    assert listed.exit_code == 0
    assert "ignored" in listed.output
    assert "reason: candidate 77 has no email address" in listed.output
    assert stuck.output.strip() == "No stuck deliveries."


def test_events_list_filters_by_status(db, run_jobs, runner, quiet_source):
    store_and_run(run_jobs, "quiet-ats", b'{"mode": "raise"}')

    listed = runner.invoke(args=["events", "list", "--status", "failed"])

    assert listed.output.strip() == "No deliveries."


def statements_to_process(db, post_event, event: dict[str, Any]) -> int:
    """Accept `event` by webhook, then count the SQL its inbox job sends."""
    assert post_event(event).status_code == 202
    db.session.remove()
    row_id = db.session.scalars(
        select(InboxEvent.id).order_by(InboxEvent.id.desc()).limit(1)
    ).one()
    db.session.remove()
    return count_statements(lambda: process_inbox_event(row_id))


def row_by_row(db) -> int:
    """Extra INSERTs where the driver cannot batch rows that need their ids back.

    PostgreSQL returns the ids of a multi-row INSERT in order; SQLite does not, so
    there the four touchpoints and five timeline lines go one row at a time.
    """
    return 0 if db.engine.dialect.name == "postgresql" else 7


def test_a_new_application_costs_one_statement_per_table(db, post_event):
    # Lock the event, look up candidate, application, recruiter and interview,
    # INSERT into seven tables (one multi-row INSERT each), mark the event done.
    assert statements_to_process(db, post_event, event()) <= 13 + row_by_row(db)


def test_an_update_costs_a_bounded_number_of_statements(db, post_event):
    statements_to_process(db, post_event, event())
    later = event(type="interview.completed", timestamp="2026-12-01T22:00:00Z")

    # The lookups (with the panel, unchanged so kept), the application's
    # touchpoints and interviews, the updates of the changed rows and the event.
    assert statements_to_process(db, post_event, later) <= 13
