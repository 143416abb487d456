"""Benchmark: webhooks against `followup run` on the embedded default (SQLite).

    python -m bench.embedded [--requests 300] [--pairs 3]

Starts `followup run` with no DATABASE_URL and no REDIS_URL: SQLite in a fresh data
folder, jobs in its background process. Each run posts `--requests` signed webhooks,
each a new candidate, from 8 threads (A) or 1 (B), a connection per request, and
records every answer's latency. Then it waits until the jobs process has
processed every accepted event (the "all processed" check) and reports how long
that took. Runs alternate A B A B on the same server. Not run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.support.events import numbered_event
from tests.support.ports import free_port
from tests.support.signing import WEBHOOK_SECRET, sign_headers

from .pairs import interleave

ROOT = Path(__file__).resolve().parent.parent
DRAIN_SECONDS = 300.0


class Server:
    """`followup run` in a fresh data folder, on a free port."""

    def __init__(self, folder: str) -> None:
        self.port = free_port()
        self.database = Path(folder) / "data" / "followup.sqlite3"
        policy = Path(folder) / "policy.toml"
        policy.write_text('[firm]\npostal_address = "1 Bench Street"\n')
        environment = {
            "PATH": os.environ["PATH"],
            "DATA_DIR": str(Path(folder) / "data"),
            "POLICY_FILE": str(policy),
            "STANDARD_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TICK_INTERVAL": "0",
            "SOURCES_POLL_INTERVAL": "0",
            "LOG_LEVEL": "WARNING",
            # The limit stays in the path (each webhook is counted), above the load.
            "RATE_LIMIT_WEBHOOKS": "10000000 per minute",
        }
        command = [str(Path(sys.executable).parent / "followup"), "run"]
        self.process = subprocess.Popen(
            command + ["--port", str(self.port)],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.sent = 0
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("followup run did not start")

    def processed(self) -> int:
        with sqlite3.connect(self.database, timeout=30) as database:
            row = database.execute(
                "SELECT count(*) FROM inbox_events WHERE status != 'pending'"
            ).fetchone()
        return int(row[0])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def run(server: Server, threads: int, requests: int) -> dict[str, float]:
    """Post `requests` webhooks from `threads` threads; wait until all are processed."""
    bodies = [_signed(server.sent + n) for n in range(requests)]
    server.sent += requests
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def post(share: list[tuple[bytes, dict[str, str]]]) -> None:
        for raw, headers in share:
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", server.port)
            connection.request("POST", "/webhooks/standard", raw, headers)
            status = connection.getresponse().status
            connection.close()
            with lock:
                latencies.append(time.perf_counter() - started)
                if status != 202:
                    failures.append(status)

    started = time.perf_counter()
    workers = [
        threading.Thread(target=post, args=(bodies[n::threads],))
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} webhooks were not accepted: {failures[:5]}")
    drained = _drain(server)
    latencies.sort()
    return {
        "rate": requests / took,
        "p50": 1000 * statistics.median(latencies),
        "p99": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "drained": drained,
    }


def _drain(server: Server) -> float:
    """Seconds until every accepted event is processed; fail if that never comes."""
    started = time.perf_counter()
    while server.processed() < server.sent:
        if time.perf_counter() - started > DRAIN_SECONDS:
            raise SystemExit(
                f"{server.sent - server.processed()} events never processed"
            )
        time.sleep(0.2)
    return time.perf_counter() - started


def _signed(number: int) -> tuple[bytes, dict[str, str]]:
    event = numbered_event(number)
    raw = json.dumps(event).encode()
    return raw, {**sign_headers(raw), "Content-Type": "application/json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = Server(folder)
        figures: dict[int, list[dict[str, float]]] = {8: [], 1: []}

        def at(threads: int) -> float:
            figures[threads].append(run(server, threads, args.requests))
            return figures[threads][-1]["rate"]

        try:
            result = interleave(lambda: at(8), lambda: at(1), args.pairs)
        finally:
            server.stop()
    print(result.report("rate at 8 / at 1 connection", "8 conns", "1 conn", "req/s"))
    for threads, runs in figures.items():
        for figure in runs:
            print(
                f"{threads} conn(s): {figure['rate']:.0f} req/s, "
                f"p50 {figure['p50']:.1f} ms, p99 {figure['p99']:.1f} ms, "
                f"all {args.requests} processed "
                f"{figure['drained']:.1f} s after the last answer"
            )


if __name__ == "__main__":
    main()
