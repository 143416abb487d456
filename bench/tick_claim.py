"""Benchmark: the claim-and-enqueue step of a tick, 1,000 due among 1,000,000 planned.

    python -m bench.tick_claim [--rows 1000000] [--due 1000] [--runs 7]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/followup_bench,
created if missing and rebuilt each run) and BENCH_REDIS_URL (default
redis://127.0.0.1:6379/14, flushed). Loads the rows with COPY, then times
`claim_due_touchpoints` + `queue_due_emails` (real RQ enqueue) several times,
putting the same 1,000 rows back between runs. Not run in CI.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

import psycopg
import redis
from sqlalchemy import delete, update

from plugin import clock, create_app
from plugin.extensions import db
from plugin.extensions.queues import use_redis
from plugin.jobs.tick import claim_due_touchpoints, queue_due_emails
from plugin.models import OutboundEmail, Touchpoint

from .common import (
    bench_settings,
    copy_rows,
    create_database,
    database_url,
    rebuild_schema,
    redis_url,
)

NOW = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
APPLICATIONS_PER_CANDIDATE = 1
STEPS_PER_APPLICATION = 4


def main() -> None:
    args = _arguments()
    url = database_url()
    create_database(url)
    connection = redis.Redis.from_url(redis_url())
    connection.flushdb()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(bench_settings(url, folder))
        use_redis(app, connection)
        with app.app_context():
            rebuild_schema()
            started = time.perf_counter()
            _load(url, args.rows, args.due)
            print(
                f"loaded {args.rows:,} touchpoints ({args.due:,} due) with COPY "
                f"in {time.perf_counter() - started:.1f} s"
            )
            timings = [_one_run(args.due, connection) for _ in range(args.runs)]
    print(
        f"claim + enqueue of {args.due:,} due touchpoints, {args.runs} runs: "
        f"median {statistics.median(timings):.1f} ms, "
        f"min {min(timings):.1f} ms, max {max(timings):.1f} ms"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=7)
    return parser.parse_args()


def _load(url: str, rows: int, due: int) -> None:
    applications = rows // STEPS_PER_APPLICATION
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
                f"{n}\tbench\ta-{n}\t{n}\tactive\t{NOW}\t{NOW}\n"
                for n in range(1, applications + 1)
            ),
        )
        copy_rows(
            cursor,
            "touchpoints (application_id, step, slot, status, planned_for, "
            "due_at, created_at, updated_at)",
            _touchpoint_lines(rows, due),
        )
        connection.commit()
        cursor.execute("ANALYZE")


def _touchpoint_lines(rows: int, due: int):
    steps = ("thank_you", "handwritten_note", "check_in", "move_on")
    for n in range(rows):
        application = n // STEPS_PER_APPLICATION + 1
        step = steps[n % STEPS_PER_APPLICATION]
        # The first `due` rows are due now; the rest spread over the next 60 days.
        at = (
            NOW - timedelta(minutes=1)
            if n < due
            else NOW + timedelta(minutes=1 + (n * 7919) % (60 * 24 * 60))
        )
        yield f"{application}\t{step}\t2026-12-01\tplanned\t{at}\t{at}\t{NOW}\t{NOW}\n"


def _one_run(due: int, connection: redis.Redis) -> float:
    with clock.frozen_at(NOW):
        started = time.perf_counter()
        claimed = 0
        while (batch := claim_due_touchpoints(NOW, 500)) > 0:
            claimed += batch
        queued = queue_due_emails(NOW, limit=due)
        elapsed = (time.perf_counter() - started) * 1000
    assert claimed == due and queued == due, (claimed, queued)
    # Put the same rows back for the next run.
    db.session.execute(delete(OutboundEmail))
    db.session.execute(
        update(Touchpoint).where(Touchpoint.status == "queued").values(status="planned")
    )
    db.session.commit()
    connection.flushdb()
    return elapsed


if __name__ == "__main__":
    main()
