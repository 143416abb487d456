"""What one webhook costs the database: a fixed few statements, exact duplicates."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.pool import NullPool

from plugin import clock
from plugin.extensions import count_statements
from plugin.models import InboxEvent
from tests.support.database import TEST_DATABASE_URL
from tests.support.events import interview_event
from tests.support.signing import SignedPost

on_postgres = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


@pytest.fixture
def left_open(db: Any) -> Iterator[list[bool]]:
    """For each statement sent: whether it left a transaction open on its connection.

    A statement that leaves none committed by itself: no BEGIN or COMMIT was sent.
    """
    seen: list[bool] = []

    def record(connection: Any, *args: Any) -> None:
        seen.append(in_transaction_block(connection.connection.dbapi_connection))

    event.listen(db.engine, "after_cursor_execute", record)
    yield seen
    event.remove(db.engine, "after_cursor_execute", record)


def in_transaction_block(dbapi_connection: Any) -> bool:
    if hasattr(dbapi_connection, "in_transaction"):  # sqlite3
        return bool(dbapi_connection.in_transaction)
    return dbapi_connection.info.transaction_status != TransactionStatus.IDLE


def test_an_accepted_webhook_costs_one_statement_that_commits_itself(
    db, post_event, left_open
):
    responses = []
    sent = count_statements(lambda: responses.append(post_event(interview_event())))

    assert responses[0].status_code == 202
    # INSERT ... ON CONFLICT DO NOTHING RETURNING id, in autocommit: one round trip.
    assert sent == 1
    assert left_open == [False]


def test_a_duplicate_costs_two_statements_and_gets_the_first_id(
    db, post_event, left_open
):
    first = post_event(interview_event(), msg_id="msg_cost_twice")
    left_open.clear()
    responses = []
    sent = count_statements(
        lambda: responses.append(post_event(interview_event(), msg_id="msg_cost_twice"))
    )

    assert responses[0].status_code == 200
    assert responses[0].get_json() == {
        "status": "duplicate",
        "id": first.get_json()["id"],
    }
    # The INSERT that stored nothing, then a read of the stored row's id.
    assert sent == 2
    assert left_open[0] is False


def test_a_stored_delivery_is_pending_and_due_at_once(db, post_event):
    with clock.frozen_at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) as now:
        response = post_event(interview_event(), msg_id="msg_fields")

    stored = db.session.get(InboxEvent, response.get_json()["id"])
    assert (stored.status, stored.attempts, stored.enqueued_at) == ("pending", 0, None)
    assert stored.received_at == stored.next_attempt_at == now
    assert stored.raw_body == json.dumps(interview_event()).encode()


@pytest.mark.postgres_only
@on_postgres
def test_concurrent_copies_of_one_delivery_are_stored_once(app, db):
    copies, answers = 8, []
    start = threading.Barrier(copies)

    def send() -> None:
        post = SignedPost(app.test_client())
        start.wait()
        answers.append(post(interview_event(), msg_id="msg_race"))

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * (copies - 1) + [202]
    assert {answer.get_json()["id"] for answer in answers} == {
        db.session.scalar(select(InboxEvent.id))
    }
    assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 1


def end_idle_sessions(db: Any) -> int:
    """End the app's idle pooled sessions, as a server restart or idle timeout would."""
    db.session.remove()  # the app's connection goes back to its pool, idle
    outside = create_engine(db.engine.url, poolclass=NullPool)
    with outside.connect() as admin:
        pids = (
            admin.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'idle'"
                )
            )
            .scalars()
            .all()
        )
        for pid in pids:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        _wait_until_gone(admin, pids)
    outside.dispose()
    return len(pids)


def _wait_until_gone(admin: Any, pids: list[int], seconds: float = 5.0) -> None:
    """Wait for the ended backends to exit: only then has each closed its socket.

    pg_terminate_backend only signals; on a busy machine the next request could
    otherwise come before the server has said goodbye, which no restart does.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        admin.commit()  # a transaction keeps reading one snapshot of the activity
        left = admin.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
            {"pids": pids},
        ).scalar()
        if not left:
            return
        time.sleep(0.02)
    raise AssertionError(f"backends {pids} still running after {seconds} s")


@pytest.mark.postgres_only
@on_postgres
def test_a_connection_the_server_ended_costs_the_next_webhook_nothing(
    app, db, post_event
):
    assert post_event(interview_event()).status_code == 202
    assert end_idle_sessions(db)

    response = post_event(interview_event())

    assert response.status_code == 202
    assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 2


@pytest.mark.postgres_only
@on_postgres
def test_a_connection_the_server_ended_is_replaced_before_any_page_uses_it(
    app, db, client
):
    assert client.get("/healthz").status_code == 200
    assert end_idle_sessions(db)

    assert client.get("/healthz").status_code == 200


@pytest.mark.postgres_only
@on_postgres
def test_a_live_connection_with_a_message_waiting_is_kept(app, db):
    with db.engine.connect() as connection:
        connection.exec_driver_sql("LISTEN followup_checkout")
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        connection.commit()
    outside = create_engine(db.engine.url, poolclass=NullPool)
    with outside.connect() as sender:
        sender.exec_driver_sql("NOTIFY followup_checkout")
        sender.commit()
    outside.dispose()
    time.sleep(0.2)  # the notification reaches the idle pooled connection

    with db.engine.connect() as connection:
        same = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        connection.exec_driver_sql("UNLISTEN *")
        connection.commit()

    assert same == pid  # pinged, found alive, kept


@pytest.fixture
def one_pooled_connection(db: Any) -> Any:
    """The app's pool emptied, so the next webhook opens its only connection."""
    db.session.remove()
    db.engine.dispose()
    return db


@pytest.mark.postgres_only
@on_postgres
def test_the_direct_insert_hands_its_connection_back_as_it_found_it(
    one_pooled_connection, post_event
):
    db = one_pooled_connection
    assert post_event(interview_event()).status_code == 202

    pooled = db.engine.raw_connection()
    try:
        assert db.engine.pool.checkedout() == 1
        assert pooled.driver_connection.autocommit is False
        assert (
            pooled.driver_connection.info.transaction_status == TransactionStatus.IDLE
        )
    finally:
        pooled.close()


@pytest.mark.postgres_only
@on_postgres
def test_a_database_error_on_the_direct_insert_is_503_and_the_next_one_stores(
    one_pooled_connection, post_event
):
    db = one_pooled_connection
    outside = create_engine(db.engine.url, poolclass=NullPool)
    with outside.begin() as admin:
        admin.exec_driver_sql(
            "CREATE FUNCTION refuse_inbox() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'inbox refused'; END $$"
        )
        admin.exec_driver_sql(
            "CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_events "
            "FOR EACH ROW EXECUTE FUNCTION refuse_inbox()"
        )
    try:
        refused = post_event(interview_event())
    finally:
        with outside.begin() as admin:
            admin.exec_driver_sql("DROP TRIGGER refuse_inbox ON inbox_events")
            admin.exec_driver_sql("DROP FUNCTION refuse_inbox()")
        outside.dispose()

    assert refused.status_code == 503
    assert refused.get_json()["error"] == "storage_unavailable"
    assert post_event(interview_event()).status_code == 202
    assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 1
