"""Benchmark: resident memory of a web worker and a job worker as work piles up.

    python -m bench.memory [--events 10000] [--every 1000]

Runs the real processes against PostgreSQL and Redis: gunicorn with one worker
(`plugin.wsgi:app`) takes `--events` signed webhooks, each a new candidate; one
`followup worker --simple` (the worker that keeps one process for every job, so
what it leaks it keeps) processes them; `followup tick --at` then claims the
thank-yous and the same worker delivers them to aiosmtpd's sink on loopback. The
resident set size (VmRSS) of the gunicorn worker and of the job worker is
printed every `--every` webhooks, events and emails.

Uses BENCH_DATABASE_URL and BENCH_REDIS_URL (see bench/common.py); both are
emptied. Not run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import redis

from plugin import create_app
from plugin.extensions import db
from tests.support.events import DELETE, numbered_event
from tests.support.ports import free_port
from tests.support.signing import WEBHOOK_SECRET, sign_headers

from .common import (
    bench_settings,
    create_database,
    database_url,
    rebuild_schema,
    redis_url,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DUE = "2026-12-01T22:00:00Z"
WAIT_SECONDS = 3600.0


def rss_mb(pid: int) -> float:
    """The process's resident set size, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000)
    args = parser.parse_args()
    url = database_url()
    create_database(url)
    redis.Redis.from_url(redis_url()).flushdb()
    smtp_port, web_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(url, folder)
        with create_app(settings).app_context():
            rebuild_schema()
            db.engine.dispose()
        environment = {
            **os.environ,
            **settings,
            "REDIS_URL": redis_url(),
            "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "STANDARD_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TICK_INTERVAL": "0",
            # Still counted, as in production, but set above what the load sends.
            "RATE_LIMIT_WEBHOOKS": "10000000 per minute",
            "PYTHONPATH": str(ROOT),
        }
        processes = _start(environment, smtp_port, web_port)
        try:
            _measure(args, environment, processes, web_port, url)
        finally:
            for process in processes.values():
                process.terminate()
                process.wait(timeout=60)


def _start(environment, smtp_port: int, web_port: int) -> dict:
    quiet = {"env": environment, "cwd": ROOT, "stderr": subprocess.DEVNULL}
    sink = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}"]
    web = [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{web_port}"]
    processes = {
        "sink": subprocess.Popen(sink + ["-c", "aiosmtpd.handlers.Sink"], **quiet),
        "web": subprocess.Popen(web + ["plugin.wsgi:app"], **quiet),
        "worker": subprocess.Popen(
            [str(BIN / "followup"), "worker", "--simple"],
            stdout=subprocess.DEVNULL,
            **quiet,
        ),
    }
    time.sleep(5)
    return processes


def _web_worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _measure(args, environment, processes, web_port: int, url: str) -> None:
    web = _web_worker_pid(processes["web"].pid)
    worker = processes["worker"].pid
    print(f"start: web worker {rss_mb(web):.1f} MB, job worker {rss_mb(worker):.1f} MB")
    for first in range(0, args.events, args.every):
        _post(web_port, range(first, min(first + args.every, args.events)))
        done = _wait(url, "inbox_events", "status != 'pending'", first + args.every)
        print(
            f"{done:,} events: web worker {rss_mb(web):.1f} MB, "
            f"job worker {rss_mb(worker):.1f} MB",
            flush=True,
        )
    subprocess.run(
        [str(BIN / "followup"), "tick", "--at", DUE, "--batch-size", str(args.every)],
        env=environment,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for count in range(args.every, args.events + args.every, args.every):
        sent = _wait(url, "outbound_emails", "status != 'pending'", count)
        print(f"{sent:,} emails: job worker {rss_mb(worker):.1f} MB", flush=True)


def _post(port: int, numbers: range) -> None:
    """Post the events from four threads; stop the run if any is refused."""
    shares = [list(numbers)[n::4] for n in range(4)]
    refused: list[str] = []

    def post(share: list[int]) -> None:
        for number in share:
            raw = json.dumps(_event(number)).encode()
            headers = {**sign_headers(raw), "Content-Type": "application/json"}
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.request("POST", "/webhooks/standard", raw, headers)
            status = connection.getresponse().status
            connection.close()
            if status != 202:
                # An exception would end this thread only; the main thread stops.
                refused.append(f"webhook {number} answered {status}")
                return

    threads = [threading.Thread(target=post, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if refused:
        raise SystemExit("; ".join(refused))


def _wait(url: str, table: str, condition: str, count: int) -> int:
    """Wait until `count` rows of `table` meet `condition`; return how many do."""
    ends = time.monotonic() + WAIT_SECONDS
    with psycopg.connect(url, autocommit=True) as connection:
        total = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        while time.monotonic() < ends:
            done = connection.execute(
                f"SELECT count(*) FROM {table} WHERE {condition}"
            ).fetchone()[0]
            if done >= min(count, total):
                return int(done)
            time.sleep(0.5)
    raise SystemExit(f"{table}: fewer than {count} rows done in time")


def _event(number: int) -> dict:
    return numbered_event(number, **{"data.application.recruiter": DELETE})


if __name__ == "__main__":
    main()
