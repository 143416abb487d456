"""The floor for webhook intake: the least work that keeps the same promises.

It verifies the same Standard Webhooks HMAC on the raw body, INSERTs the raw body
into the inbox under the same unique key (source, delivery id), commits, and queues
one RQ job, with plain psycopg and no framework. `bench/intake.py` serves it with
gunicorn; BENCH_DATABASE_URL, BENCH_REDIS_URL and STANDARD_WEBHOOK_SECRET configure it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import psycopg
import redis
from rq import Queue

from bench.common import database_url, redis_url

KEY = base64.b64decode(os.environ["STANDARD_WEBHOOK_SECRET"].removeprefix("whsec_"))
INSERT = (
    "INSERT INTO inbox_events (source, delivery_id, event_type, raw_body, status, "
    "attempts, received_at, next_attempt_at) "
    "VALUES ('standard', %s, 'unparsed', %s, 'pending', 0, %s, %s) RETURNING id"
)
# One connection of each kind per gunicorn worker process, made on first use.
connections: dict[str, Any] = {}


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Verify, store, commit, queue; 202, or 200 for a duplicate, 401 if unsigned."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    msg_id = environ.get("HTTP_WEBHOOK_ID", "")
    if not _signed(msg_id, environ.get("HTTP_WEBHOOK_TIMESTAMP", ""), body, environ):
        return _answer(start_response, "401 Unauthorized")
    database, queue = _connected()
    now = datetime.now(UTC)
    try:
        event_id = database.execute(INSERT, (msg_id, body, now, now)).fetchone()[0]
        database.commit()
    except psycopg.errors.UniqueViolation:
        database.rollback()
        return _answer(start_response, "200 OK")
    queue.enqueue("bench.intake_floor.process", event_id, job_id=f"floor-{event_id}")
    return _answer(start_response, "202 Accepted")


def process(event_id: int) -> None:
    """The queued job's function (never run during the benchmark)."""


def _signed(msg_id: str, timestamp: str, body: bytes, environ: dict[str, Any]) -> bool:
    if not msg_id or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > 300:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = hmac.new(KEY, signed, hashlib.sha256).digest()
    for entry in environ.get("HTTP_WEBHOOK_SIGNATURE", "").split():
        version, _, encoded = entry.partition(",")
        try:
            given = base64.b64decode(encoded, validate=True)
        except ValueError:
            continue
        if version == "v1" and hmac.compare_digest(given, expected):
            return True
    return False


def _connected() -> tuple[psycopg.Connection[Any], Queue]:
    if not connections:
        connections["database"] = psycopg.connect(database_url())
        connections["queue"] = Queue(
            "floor", connection=redis.Redis.from_url(redis_url())
        )
    return connections["database"], connections["queue"]


def _answer(start_response: Callable[..., Any], status: str) -> list[bytes]:
    start_response(status, [("Content-Length", "0")])
    return [b""]
