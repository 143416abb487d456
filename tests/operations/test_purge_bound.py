"""The retention purge: a bounded sweep, oldest first, read through partial indexes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from plugin.models import InboxEvent
from plugin.operations.privacy import expired_body_purges, purge_expired_bodies
from tests.support.database import TEST_DATABASE_URL

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def store_deliveries(db, ages_in_days: list[int]) -> list[int]:
    """Inbox rows received that many days before NOW, bodies held; their ids."""
    events = [
        InboxEvent(
            source="standard",
            delivery_id=f"msg_age_{n}",
            event_type="interview.scheduled",
            raw_body=b"{}",
            received_at=NOW - timedelta(days=age),
        )
        for n, age in enumerate(ages_in_days)
    ]
    db.session.add_all(events)
    db.session.commit()
    return [event.id for event in events]


def bodies_held(db) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(InboxEvent.id)
            .where(InboxEvent.raw_body.is_not(None))
            .order_by(InboxEvent.id)
        )
    )


def test_each_purge_clears_at_most_its_batch_oldest_first(db):
    ids = store_deliveries(db, [40, 45, 31, 50, 35, 10])

    first = purge_expired_bodies(NOW, 30, limit=2)
    after_first = bodies_held(db)
    second = purge_expired_bodies(NOW, 30, limit=2)
    after_second = bodies_held(db)
    rest = [purge_expired_bodies(NOW, 30, limit=2) for _ in range(2)]

    assert (first, second, rest) == (2, 2, [1, 0])
    # Aged 50 and 45 go first, then 40 and 35; the 10-day-old body stays.
    assert after_first == [ids[0], ids[2], ids[4], ids[5]]
    assert after_second == [ids[2], ids[5]]
    assert bodies_held(db) == [ids[5]]


@pytest.mark.postgres_only
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL")
def test_the_purge_reads_only_the_bodies_still_held(db):
    _load_purged_history(db, rows=20_000)

    plans = [_plan(db, statement) for statement in expired_body_purges(NOW, 30)]

    assert "ix_inbox_events_body_held_received_at" in plans[0]
    assert "ix_outbound_emails_body_held_sending_started_at" in plans[1]
    for plan in plans:
        assert "Seq Scan" not in plan, plan


def _load_purged_history(db, rows: int) -> None:
    """A long history of purged rows in both tables, with planner statistics."""
    db.session.execute(
        text(
            "INSERT INTO candidates (source, external_id, created_at, updated_at) "
            "VALUES ('standard', 'c-history', :now, :now)"
        ),
        {"now": NOW},
    )
    db.session.execute(
        text(
            "INSERT INTO applications (source, external_id, candidate_id, status, "
            "created_at, updated_at) SELECT 'standard', 'a-history', id, 'active', "
            ":now, :now FROM candidates"
        ),
        {"now": NOW},
    )
    old = {"start": NOW - timedelta(days=400), "rows": rows}
    db.session.execute(
        text(
            "INSERT INTO inbox_events (source, delivery_id, event_type, received_at, "
            "status, attempts, next_attempt_at) SELECT 'standard', 'old-' || n, "
            "'interview.scheduled', :start + n * interval '1 minute', 'processed', "
            "1, :start FROM generate_series(1, :rows) AS n"
        ),
        old,
    )
    db.session.execute(
        text(
            "INSERT INTO outbound_emails (application_id, template, status, "
            "attempts, next_attempt_at, created_at, updated_at, sending_started_at) "
            "SELECT a.id, 'thank_you', 'sent', 1, :start, :start, :start, "
            ":start + n * interval '1 minute' "
            "FROM applications AS a, generate_series(1, :rows) AS n"
        ),
        old,
    )
    db.session.commit()
    db.session.execute(text("ANALYZE inbox_events"))
    db.session.execute(text("ANALYZE outbound_emails"))
    db.session.commit()


def _plan(db, statement) -> str:
    compiled = statement.compile(dialect=db.engine.dialect)
    connection = db.session.connection()
    rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
    plan = "\n".join(row[0] for row in rows)
    db.session.rollback()
    return plan
