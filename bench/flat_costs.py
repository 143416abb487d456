"""Benchmark: a tick with nothing due, and a webhook ack, at 10k and at 1M rows.

    python -m bench.flat_costs [--small 10000] [--large 1000000] [--pairs 3]
                               [--ticks 15] [--webhooks 200] [--explain]

Builds two databases next to BENCH_DATABASE_URL (its name with `_10k` and `_1m`
appended, or the sizes given) and loads each with COPY: that many inbox events,
outbound emails and touchpoints, over 250 days of history, with the bodies of the
last 30 days still held (older ones purged, as the tick leaves them) and nothing
due. It then measures, interleaved (small, large, small, large ...), the median
`run_tick()` and the median webhook ack (a signed POST through the app's test
client, real PostgreSQL and Redis), and prints each large/small ratio with its
spread. `--explain` prints the plan and time of every statement of one tick on the
large database. A database already holding its rows is reused. Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import redis
from flask import Flask
from sqlalchemy import event, func, select, update

from plugin import clock, create_app
from plugin.extensions import db
from plugin.extensions.queues import use_redis
from plugin.jobs.tick import TickReport, run_tick
from plugin.models import InboxEvent

from .common import (
    bench_settings,
    copy_rows,
    create_database,
    database_url,
    rebuild_schema,
    redis_url,
)
from .intake import EVENT, SECRET, post_signed

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 250
RETENTION_DAYS = 30  # the policy's default
STEPS = ("thank_you", "handwritten_note", "check_in", "move_on")


def main() -> None:
    args = _arguments()
    queue_redis = redis.Redis.from_url(redis_url())
    with tempfile.TemporaryDirectory() as folder:
        apps = {
            size: _loaded_app(size, folder, queue_redis)
            for size in (args.small, args.large)
        }
        if args.explain:
            _explain_tick(apps[args.large])
        ticks: dict[int, list[float]] = {size: [] for size in apps}
        acks: dict[int, list[float]] = {size: [] for size in apps}
        for turn in range(args.pairs):
            for size, app in apps.items():
                # Ids unique across runs too: a reused database keeps earlier acks.
                tag = f"{time.time_ns()}-{turn}-{size}"
                tick, ack = _measure(app, args, tag)
                ticks[size].append(tick)
                acks[size].append(ack)
                print(f"{size:>9,} rows: tick {tick:6.2f} ms, ack {ack:5.2f} ms")
                queue_redis.flushdb()
    _report("tick, nothing due", ticks, args)
    _report("webhook ack", acks, args)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--ticks", type=int, default=15)
    parser.add_argument("--webhooks", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    return parser.parse_args()


def _loaded_app(rows: int, folder: str, queue_redis: redis.Redis) -> Flask:
    """An app on a database of its own holding `rows` rows of history."""
    url = f"{database_url()}_{_label(rows)}"
    create_database(url)
    settings = bench_settings(url, f"{folder}") | {
        "REDIS_URL": redis_url(),
        "STANDARD_WEBHOOK_SECRET": SECRET,
    }
    app = create_app(settings)
    use_redis(app, queue_redis)
    logging.getLogger("plugin.jobs.tick").setLevel(logging.WARNING)  # one per tick
    with app.app_context():
        if _history_rows() != rows:
            rebuild_schema()
            started = time.perf_counter()
            _load(url, rows)
            print(f"loaded {rows:,} rows of history in {_since(started):.1f} s")
        db.session.remove()
    return app


def _label(rows: int) -> str:
    return f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"{rows // 1000}k"


def _history_rows() -> int:
    """Inbox rows from the load (none when the schema is missing or different)."""
    try:
        count = db.session.scalar(
            select(func.count())
            .select_from(InboxEvent)
            .where(InboxEvent.delivery_id.like("history-%"))
        )
    except Exception:  # no schema yet, or an older one: load afresh
        db.session.rollback()
        return -1
    db.session.rollback()
    return int(count or 0)


def _load(url: str, rows: int) -> None:
    applications = max(1, rows // len(STEPS))
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        copy_rows(
            cursor,
            "candidates (id, source, external_id, created_at, updated_at)",
            (f"{n}\tbench\tc-{n}\t{NOW}\t{NOW}\n" for n in range(1, applications + 1)),
        )
        copy_rows(
            cursor,
            "applications (id, source, external_id, candidate_id, status, "
            "created_at, updated_at)",
            (
                f"{n}\tbench\ta-{n}\t{n}\thired\t{NOW}\t{NOW}\n"
                for n in range(1, applications + 1)
            ),
        )
        copy_rows(
            cursor,
            "touchpoints (id, application_id, step, slot, status, planned_for, "
            "due_at, created_at, updated_at)",
            _touchpoints(rows),
        )
        copy_rows(
            cursor,
            "inbox_events (source, delivery_id, event_type, raw_body, status, "
            "attempts, received_at, next_attempt_at, processed_at, application_id)",
            _inbox_events(rows),
        )
        copy_rows(
            cursor,
            "outbound_emails (touchpoint_id, application_id, template, status, "
            "attempts, next_attempt_at, created_at, updated_at, sending_started_at, "
            "message_id, subject, body_text, body_html)",
            _outbound_emails(rows),
        )
        connection.commit()
        connection.autocommit = True
        # Visibility map and statistics, as a database long in service has them.
        cursor.execute("VACUUM ANALYZE")


def _moment(n: int, rows: int) -> datetime:
    """Row n's time: the rows spread evenly over the history, the last one now."""
    return NOW - timedelta(days=HISTORY_DAYS) * (1 - (n + 1) / rows)


def _held(at: datetime) -> bool:
    return at >= NOW - timedelta(days=RETENTION_DAYS)


def _touchpoints(rows: int) -> Iterator[str]:
    for n in range(rows):
        at = _moment(n, rows)
        application = n // len(STEPS) + 1
        yield (
            f"{n + 1}\t{application}\t{STEPS[n % len(STEPS)]}\t\tsent\t{at}\t{at}"
            f"\t{at}\t{at}\n"
        )


def _inbox_events(rows: int) -> Iterator[str]:
    body = "\\\\x" + json.dumps(EVENT).encode().hex()  # bytea's hex input, escaped
    for n in range(rows):
        at = _moment(n, rows)
        held = body if _held(at) else "\\N"
        application = n // len(STEPS) + 1
        yield (
            f"bench\thistory-{n}\tinterview.scheduled\t{held}\tprocessed\t1"
            f"\t{at}\t{at}\t{at}\t{application}\n"
        )


def _outbound_emails(rows: int) -> Iterator[str]:
    for n in range(rows):
        at = _moment(n, rows)
        text = "Thank you for your time today." if _held(at) else "\\N"
        application = n // len(STEPS) + 1
        yield (
            f"{n + 1}\t{application}\tthank_you\tsent\t1\t{at}\t{at}\t{at}\t{at}"
            f"\t<history-{n}@bench>\tThank you\t{text}\t{text}\n"
        )


def _measure(app: Flask, args: Any, tag: str) -> tuple[float, float]:
    """Median ms of a tick with nothing due, and of a webhook ack."""
    with app.app_context(), clock.frozen_at(NOW):
        ticks = []
        for _ in range(args.ticks):
            started = time.perf_counter()
            report = run_tick()
            ticks.append(_since(started) * 1000)
            assert report == TickReport(), report  # nothing due, nothing to purge
        client = app.test_client()
        body = json.dumps(EVENT).encode()
        acks = []
        for n in range(args.webhooks):
            started = time.perf_counter()
            post_signed(client, body, f"ack-{tag}-{n}")
            acks.append(_since(started) * 1000)
        _settle_acks()
    return statistics.median(ticks), statistics.median(acks)


def _settle_acks() -> None:
    """Mark the acks' inbox rows processed, so that the next tick has nothing due."""
    db.session.execute(
        update(InboxEvent)
        .where(InboxEvent.status == "pending", InboxEvent.delivery_id.like("ack-%"))
        .values(status="processed")
    )
    db.session.commit()
    db.session.remove()


def _explain_tick(app: Flask) -> None:
    """Print the plan and time of each statement one tick sends (large database)."""
    sent: list[tuple[str, Any]] = []

    def record(
        conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any
    ) -> None:
        sent.append((statement, parameters))

    with app.app_context(), clock.frozen_at(NOW):
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            run_tick()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        url = db.engine.url.set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(url) as connection:
        for statement, parameters in sent:
            plan = connection.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).fetchall()
            connection.rollback()  # the UPDATEs ran for real: undo them
            print(" ".join(statement.split())[:110])
            for (line,) in plan:
                if "Scan" in line or "Execution Time" in line:
                    print("   ", line.strip())


def _report(name: str, timings: dict[int, list[float]], args: Any) -> None:
    pairs = zip(timings[args.large], timings[args.small], strict=True)
    ratios = [large / small for large, small in pairs]
    print(
        f"{name}: {_label(args.large)} / {_label(args.small)} median "
        f"{statistics.median(ratios):.2f}x (spread {min(ratios):.2f}-"
        f"{max(ratios):.2f}x over {len(ratios)} pairs); medians "
        f"{statistics.median(timings[args.small]):.2f} ms and "
        f"{statistics.median(timings[args.large]):.2f} ms"
    )


def _since(started: float) -> float:
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
