"""PostgreSQL unreachable during webhooks: a clean 503, nothing half-stored, and
the sender's retries take effect once the database is back."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from plugin.extensions import db
from plugin.models import Application, Candidate, InboxEvent

from .harness import TcpProxy
from .invariants import assert_recovered
from .ledger import record
from .scenario import (
    DUE,
    FAULT_MARKS,
    Sender,
    candidate_address,
    candidate_event,
    drain,
    recover,
    tick,
)

pytestmark = FAULT_MARKS


@pytest.fixture
def database_proxy(settings: dict[str, Any]) -> Any:
    """A cuttable proxy in front of the test database; the app connects through it."""
    url = make_url(os.environ["TEST_DATABASE_URL"])
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    settings["DATABASE_URL"] = url.set(
        host="127.0.0.1", port=proxy.port
    ).render_as_string(hide_password=False)
    yield proxy
    proxy.close()


def stored_counts() -> tuple[int, int, int]:
    """Inbox rows, candidates and applications, as the database holds them."""
    db.session.expire_all()
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (InboxEvent, Candidate, Application)
    )
    db.session.rollback()
    return counts  # type: ignore[return-value]


def test_webhooks_answer_503_while_the_database_is_cut_and_retries_land_after(
    database_proxy, fault_app, mail, private_redis
):
    sender = Sender(fault_app)
    for n in range(2):
        assert sender.post(candidate_event(n)).status_code == 202
    drain(fault_app, private_redis.url)
    before = stored_counts()

    database_proxy.cut()
    refused, timings = [], []
    for n in range(2, 5):
        msg_id = f"msg_cut_{n}"
        started = time.monotonic()
        response = sender.post(candidate_event(n), msg_id=msg_id)
        timings.append(time.monotonic() - started)
        refused.append((response.status_code, response.get_json()["error"]))
    health = fault_app.test_client().get("/healthz")
    database_proxy.restore()

    assert refused == [(503, "storage_unavailable")] * 3
    assert max(timings) < 2.0, timings
    assert health.status_code == 503
    assert stored_counts() == before  # nothing half-stored
    # The ATS retries each refused delivery with its id; now they are stored.
    for n in range(2, 5):
        assert sender.post(candidate_event(n), msg_id=f"msg_cut_{n}").status_code == 202
    assert sender.post(candidate_event(2), msg_id="msg_cut_2").status_code == 200
    drain(fault_app, private_redis.url)
    assert stored_counts() == (5, 5, 5)
    tick(DUE)
    drain(fault_app, private_redis.url)
    last = recover(fault_app, private_redis.url)

    addresses = [candidate_address(n) for n in range(5)]
    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=1)
    assert tally.delivered == 5
    tally.notes.append(f"3 webhooks refused with 503 in at most {max(timings):.2f} s")
    record("postgresql cut during webhooks", tally)


def test_database_lost_right_after_the_commit_still_answers_202(
    database_proxy, fault_app, mail, private_redis
):
    cut_once = []

    # The inbox INSERT commits by itself (autocommit): once it has run, it is stored.
    @event.listens_for(db.engine, "after_cursor_execute")
    def cut(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not cut_once and statement.startswith("INSERT INTO inbox_events"):
            cut_once.append(database_proxy.cut())

    try:
        response = Sender(fault_app).post(candidate_event(0))
    finally:
        event.remove(db.engine, "after_cursor_execute", cut)
        database_proxy.restore()

    assert cut_once, "the commit never happened"
    assert response.status_code == 202  # stored: the sender must not retry
    assert stored_counts()[0] == 1
