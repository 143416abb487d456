"""Benchmark: event processing against an RQ floor job that does one write.

    python -m bench.processing [--events 200] [--pairs 3]

A is our inbox job: N stored deliveries (each a new candidate, application and
interview, as the docs' example event) queued in RQ and worked by `followup worker
--burst`. B is the floor: N RQ jobs, same job class and app context, each doing one
INSERT and a commit, worked by the same command. Rates come from RQ's own start and
end times of the jobs, so the worker's start-up is not counted. Both worker
classes are measured: the default (a forked child per job, which the docs
recommend) and `--simple`.

Uses BENCH_DATABASE_URL and BENCH_REDIS_URL (see bench/common.py); both are
emptied. Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import redis
from rq import Queue
from rq.job import Job
from sqlalchemy import text

from plugin import create_app
from plugin.extensions import db
from plugin.extensions.queues import (
    EVENTS_QUEUE,
    PROCESS_INBOX_EVENT,
    AppJob,
    enqueue_many,
    use_redis,
)
from plugin.models import InboxEvent, InboxStatus
from tests.support.events import numbered_event

from .common import bench_settings, create_database, database_url, redis_url
from .pairs import interleave

ROOT = Path(__file__).resolve().parent.parent
FLOOR_JOB = "bench.processing.write_one_row"
FLOOR_TABLE = "bench_floor_writes"


def write_one_row(number: int) -> None:
    """The floor job: one INSERT and a commit, in the app's session."""
    db.session.execute(
        text(f"INSERT INTO {FLOOR_TABLE} (number) VALUES (:number)"),
        {"number": number},
    )
    db.session.commit()


def main() -> None:
    args = _arguments()
    url = database_url()
    create_database(url)
    connection = redis.Redis.from_url(redis_url())
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(url, folder)
        app = create_app(settings)
        use_redis(app, connection)
        with app.app_context():
            _prepare_schema()
            for simple in (False, True):
                label = "--simple" if simple else "fork per job (recommended)"
                print(f"worker: {label}", flush=True)
                result = interleave(
                    lambda s=simple: _our_rate(app, connection, settings, s, args),
                    lambda s=simple: _floor_rate(connection, settings, s, args),
                    args.pairs,
                )
                print(result.report("ours / floor", "ours", "floor", "jobs/s"))


def _prepare_schema() -> None:
    from .common import rebuild_schema

    rebuild_schema()
    db.session.execute(
        text(f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id serial, number int)")
    )
    db.session.commit()


def _our_rate(app, connection, settings, simple: bool, args) -> float:
    _empty(connection)
    rows = [
        InboxEvent(
            source="standard",
            delivery_id=f"bench-{number}",
            event_type="interview.scheduled",
            raw_body=json.dumps(numbered_event(number)).encode(),
        )
        for number in range(args.events)
    ]
    db.session.add_all(rows)
    db.session.commit()
    calls = [((row.id,), f"inbox-event-{row.id}") for row in rows]
    enqueue_many(EVENTS_QUEUE, PROCESS_INBOX_EVENT, calls)
    rate = _work(connection, settings, simple, [job_id for _, job_id in calls])
    processed = db.session.scalar(
        text("SELECT count(*) FROM inbox_events WHERE status = :done"),
        {"done": InboxStatus.PROCESSED.value},
    )
    if processed != args.events:
        raise SystemExit(f"only {processed} of {args.events} events were processed")
    return rate


def _floor_rate(connection, settings, simple: bool, args) -> float:
    _empty(connection)
    queue = Queue(EVENTS_QUEUE, connection=connection, job_class=AppJob)
    jobs = [
        Queue.prepare_data(FLOOR_JOB, args=(n,), job_id=f"floor-{n}", result_ttl=3600)
        for n in range(args.events)
    ]
    with connection.pipeline() as pipe:
        queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()
    return _work(
        connection, settings, simple, [f"floor-{n}" for n in range(args.events)]
    )


def _work(connection, settings, simple: bool, job_ids: list[str]) -> float:
    """Run `followup worker --burst`; jobs per second from RQ's own timings."""
    command = [str(Path(sys.executable).parent / "followup"), "worker", "--burst"]
    environment = {
        **os.environ,
        **settings,
        "REDIS_URL": redis_url(),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        command + (["--simple"] if simple else []),
        env=environment,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    jobs = [job for job in Job.fetch_many(job_ids, connection=connection) if job]
    if len(jobs) != len(job_ids) or any(job.ended_at is None for job in jobs):
        raise SystemExit("some jobs did not finish")
    first = min(job.started_at for job in jobs if job.started_at)
    last = max(job.ended_at for job in jobs if job.ended_at)
    return len(jobs) / (last - first).total_seconds()


def _empty(connection) -> None:
    connection.flushdb()
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.execute(text(f"TRUNCATE {FLOOR_TABLE}"))
    db.session.commit()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
