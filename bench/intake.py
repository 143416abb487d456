"""Benchmark: webhook intake against a floor app and a bare 204 app, interleaved.

    python -m bench.intake [--pairs 3] [--seconds 10] [--connections 16] [--workers 4]
                           [--followup-from DIR]

Serves each app with gunicorn (`--workers` sync workers) and loads it with wrk
(`--connections` connections, 2 threads) through bench/signed_webhooks.lua, which
signs every request with its own webhook-id. The three apps take turns, A B C A B C:
our `plugin.wsgi:app`; `bench.intake_floor:app`, which verifies the same HMAC,
INSERTs the raw body under the same unique key, commits and queues one RQ job; and
`bench.intake_bare:app`, which answers 204. Each turn starts from an empty inbox.
It prints each turn's rate, p99 and CPU per request, the median ratio within the
rounds with its spread, and the statements each accepted webhook and each duplicate
sends to PostgreSQL. Needs wrk (Debian: `apt-get install wrk`), PostgreSQL
(BENCH_DATABASE_URL) and Redis (BENCH_REDIS_URL, flushed). Not run in CI.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import redis
from flask import Flask
from sqlalchemy import event

from plugin import clock, create_app
from plugin.extensions import db
from plugin.extensions.queues import use_redis
from tests.support.events import interview_event
from webhooks.standard import sign

from .common import (
    bench_settings,
    create_database,
    database_url,
    rebuild_schema,
    redis_url,
)

APPS = {
    "followup": "plugin.wsgi:app",
    "floor": "bench.intake_floor:app",
    "bare": "bench.intake_bare:app",
}
KEY = b"follow-up coach benchmark key 32"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
REPOSITORY = Path(__file__).resolve().parent.parent
LUA_SCRIPT = REPOSITORY / "bench" / "signed_webhooks.lua"
# The example event of docs/events.md: a realistic size and shape.
EVENT = interview_event()


@dataclass
class Run:
    """One turn of one app under wrk."""

    app: str
    rate: float  # requests per second
    p99_ms: float
    cpu_ms: float  # gunicorn workers' CPU per request
    requests: int
    refused: int  # answers other than 2xx, socket errors and timeouts
    # Inbox rows after the turn minus requests sent: 0 when each was stored once, a
    # few more for requests still in flight as wrk stopped (None: the bare app).
    rows_over_sent: int | None


def main() -> None:
    args = _arguments()
    url = database_url()
    create_database(url)
    queue_redis = redis.Redis.from_url(redis_url())
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(url, folder) | {
            "REDIS_URL": redis_url(),
            "STANDARD_WEBHOOK_SECRET": SECRET,
            # Still counted per source (its Redis round trip is part of the cost),
            # but set above what one source sends here.
            "RATE_LIMIT_WEBHOOKS": "10000000 per minute",
        }
        body = Path(folder) / "event.json"
        body.write_bytes(json.dumps(EVENT).encode())
        app = create_app(settings)
        use_redis(app, queue_redis)
        with app.app_context():
            rebuild_schema()
            accepted, duplicate = _statements_per_webhook(app, body.read_bytes())
            db.engine.dispose()
        runs: list[Run] = []
        for turn in range(args.pairs):
            for name in APPS:
                _empty_inbox(url, queue_redis)
                runs.append(_measure(name, turn, settings, body, args))
                print(_describe(runs[-1]), flush=True)
    _report(runs, accepted, duplicate)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--followup-from",
        default=str(REPOSITORY),
        help="serve our app from this checkout (say, an older commit's export)",
    )
    return parser.parse_args()


def _statements_per_webhook(app: Flask, body: bytes) -> tuple[dict[str, float], ...]:
    """Round trips to PostgreSQL per accepted webhook and per duplicate, counted.

    Each statement is one; each transaction adds two, its BEGIN and its COMMIT or
    ROLLBACK. A statement run in autocommit is its own transaction, at no extra cost.
    """
    client = app.test_client()
    counts: dict[str, int] = {"statements": 0, "transactions": 0}

    def statement(*args: Any) -> None:
        counts["statements"] += 1

    def transaction_end(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            counts["transactions"] += 1

    listeners = [
        ("after_cursor_execute", statement),
        ("commit", transaction_end),
        ("rollback", transaction_end),
    ]
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    results = []
    for _ in ("accepted", "duplicate"):  # the same ids again: all duplicates
        counts.update(dict.fromkeys(counts, 0))
        for n in range(100):
            post_signed(client, body, f"count-{n}")
        results.append({name: value / 100 for name, value in counts.items()})
        results[-1]["round trips"] = (
            results[-1]["statements"] + 2 * results[-1]["transactions"]
        )
    for name, listener in listeners:
        event.remove(db.engine, name, listener)
    return tuple(results)


def post_signed(client: Any, body: bytes, msg_id: str) -> None:
    """POST `body` to the standard webhook, signed with the benchmark's key; a 202."""
    stamp = int(clock.now().timestamp())
    response = client.post(
        "/webhooks/standard",
        data=body,
        content_type="application/json",
        headers={
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(KEY, msg_id, stamp, body),
        },
    )
    assert response.status_code in (200, 202), response.get_data(as_text=True)


def _empty_inbox(url: str, queue_redis: redis.Redis) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("TRUNCATE inbox_events")
        connection.execute("VACUUM ANALYZE inbox_events")
    queue_redis.flushdb()


def _measure(
    name: str, turn: int, settings: dict[str, str], body: Path, args: Any
) -> Run:
    port = _free_port()
    # Our app may be served from another checkout, to compare two commits.
    code = Path(args.followup_from) if name == "followup" else REPOSITORY
    environment = os.environ | settings | {"PYTHONPATH": str(code)}
    command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", APPS[name]]
    server = subprocess.Popen(command, env=environment, cwd=code)
    try:
        _wait_for(port)
        target = f"http://127.0.0.1:{port}/webhooks/standard"
        warm_up = _wrk(target, body, args.connections, 2, f"{name}{turn}warm")
        cpu_before = _workers_cpu(server.pid)
        output = _wrk(target, body, args.connections, args.seconds, f"{name}{turn}")
        cpu_used = _workers_cpu(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = int(_found(r"(\d+) requests in", output))
    # Requests timed out by wrk were sent, and may well be stored.
    sent = sum(_sent(text) for text in (warm_up, output))
    return Run(
        app=name,
        rate=float(_found(r"Requests/sec:\s+([\d.]+)", output)),
        p99_ms=_milliseconds(_found(r"(?m)^\s+99%\s+(\S+)$", output)),
        cpu_ms=1000 * cpu_used / max(requests, 1),
        requests=requests,
        refused=int(_found(r"Non-2xx or 3xx responses: (\d+)", output, "0"))
        + _socket_errors(output),
        rows_over_sent=None
        if name == "bare"
        else _stored(settings["DATABASE_URL"]) - sent,
    )


def _sent(output: str) -> int:
    """Requests wrk sent in one run: those answered, plus errors and timeouts."""
    return int(_found(r"(\d+) requests in", output)) + _socket_errors(output)


def _socket_errors(output: str) -> int:
    """Connect, read and write errors and timeouts wrk counted (none: 0)."""
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        output,
    )
    return sum(int(n) for n in match.groups()) if match else 0


def _found(pattern: str, output: str, default: str | None = None) -> str:
    """The first group of `pattern` in wrk's output (or `default` when absent)."""
    match = re.search(pattern, output)
    if match is None and default is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{output}")
    return match.group(1) if match else str(default)


def _wrk(target: str, body: Path, connections: int, seconds: int, tag: str) -> str:
    # Enough signed requests per thread that none is sent twice to an app that
    # stores them (the bare app, which stores nothing, goes faster and wraps round).
    per_thread = str(4000 * seconds)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(LUA_SCRIPT), target, "--", str(body), KEY.hex()]
    command += [per_thread, tag]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _workers_cpu(master: int) -> float:
    """CPU seconds (user + system) of the gunicorn master's children so far."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _stored(url: str) -> int:
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        row = connection.execute("SELECT count(*) FROM inbox_events").fetchone()
    return int(row[0]) if row else 0


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(1)  # let every worker finish importing the app
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port}")


def _describe(run: Run) -> str:
    stored = (
        ""
        if run.rows_over_sent is None
        else f", inbox rows - requests sent {run.rows_over_sent:+d}"
    )
    return (
        f"{run.app:>8}: {run.rate:7.0f} req/s, p99 {run.p99_ms:6.1f} ms, "
        f"CPU {run.cpu_ms:.2f} ms/request, {run.requests:,} requests, "
        f"{run.refused} not 2xx{stored}"
    )


def _report(
    runs: list[Run], accepted: dict[str, float], duplicate: dict[str, float]
) -> None:
    rate = {name: [run.rate for run in runs if run.app == name] for name in APPS}
    for other in ("floor", "bare"):
        ratios = [
            ours / theirs
            for ours, theirs in zip(rate["followup"], rate[other], strict=True)
        ]
        print(
            f"followup / {other}: median {statistics.median(ratios):.2f}x "
            f"(spread {min(ratios):.2f}-{max(ratios):.2f}x over {len(ratios)} rounds)"
        )
    p99 = [run.p99_ms for run in runs if run.app == "followup"]
    print(
        f"followup p99: median {statistics.median(p99):.1f} ms, max {max(p99):.1f} ms"
    )
    for label, counts in (("accepted", accepted), ("duplicate", duplicate)):
        print(
            f"PostgreSQL per {label} webhook: "
            + ", ".join(f"{name} {value:g}" for name, value in counts.items())
        )
    print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
