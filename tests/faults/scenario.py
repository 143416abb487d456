"""Driving a fault run: events for many candidates, ticks, and the recovery checks."""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import redis
from flask import Flask
from rq import Queue, SimpleWorker, Worker
from rq.worker import WorkerStatus
from sqlalchemy import func, or_, select
from standardwebhooks.webhooks import Webhook

from plugin import clock
from plugin.extensions import db
from plugin.extensions.queues import QUEUE_NAMES, job_class_for
from plugin.jobs.tick import REQUEUE_AFTER, SENDING_LEASE, run_tick
from plugin.models import (
    EmailStatus,
    InboxEvent,
    InboxStatus,
    OutboundEmail,
)

from .harness import wait_until
from .invariants import TICK_SECONDS, all_events_applied

# Fault runs need PostgreSQL (row locks, several processes on one database) and
# run once, in the PostgreSQL pass of `make test`.
FAULT_MARKS = [
    pytest.mark.faults,
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"),
        reason="fault runs need PostgreSQL (TEST_DATABASE_URL)",
    ),
]
# The interviews end at 21:00 UTC (15:00 in Chicago); the thank-you is due at:
DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
TICK = timedelta(seconds=TICK_SECONDS)


def candidate_address(n: int) -> str:
    """The email address of test candidate `n`."""
    return f"candidate{n}@example.org"


def candidate_event(n: int) -> dict[str, Any]:
    """A canonical interview event for candidate `n`: one thank-you due at DUE."""
    return {
        "type": "interview.scheduled",
        "timestamp": "2026-12-01T09:12:00Z",
        "data": {
            "candidate": {
                "id": f"c-{n}",
                "first_name": "Dana",
                "last_name": f"Okafor {n}",
                "email": candidate_address(n),
                "timezone": "America/Chicago",
            },
            "application": {
                "id": f"a-{n}",
                "job_title": "Payroll Specialist",
                "employer": {"name": "Acme Logistics", "timezone": "America/Chicago"},
                "recruiter": {
                    "id": "r-7",
                    "name": "Sam Rivera",
                    "email": "sam@staffing.example",
                },
            },
            "interview": {
                "id": f"i-{n}",
                "starts_at": "2026-12-01T14:00:00-06:00",
                "ends_at": "2026-12-01T15:00:00-06:00",
                "interviewers": [{"name": "Lee Park", "title": "Payroll Manager"}],
            },
        },
    }


@dataclass
class Sender:
    """An ATS posting signed webhooks, keeping its delivery ids for retries."""

    app: Flask
    answers: list[int] = field(default_factory=list)

    def post(self, event: dict[str, Any], msg_id: str | None = None) -> Any:
        """Post one signed delivery; the answer's status is remembered."""
        key = self.app.config["STANDARD_WEBHOOK_SECRETS"][0]
        body = json.dumps(event)
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        sent_at = datetime.fromtimestamp(int(clock.now().timestamp()), UTC)
        signer = Webhook("whsec_" + base64.b64encode(key).decode())
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signer.sign(msg_id, sent_at, body),
        }
        response = self.app.test_client().post(
            "/webhooks/standard",
            data=body,
            headers=headers,
            content_type="application/json",
        )
        self.answers.append(response.status_code)
        return response


def tick(at: datetime) -> None:
    """One tick of the scheduler at `at`."""
    with clock.frozen_at(at):
        run_tick()
    db.session.remove()


def drain(app: Flask, redis_url: str) -> int:
    """Work every queued job in a real RQ worker in this process; return the count."""
    connection = redis.Redis.from_url(redis_url)
    queues = [Queue(name, connection=connection) for name in QUEUE_NAMES]
    count = sum(len(queue) for queue in queues)
    SimpleWorker(queues, connection=connection, job_class=job_class_for(app)).work(
        burst=True
    )
    connection.close()
    db.session.remove()
    return count


def recovery_ticks(start: datetime) -> list[datetime]:
    """Ticks after a fault: past the re-queue delay, then past the sending lease."""
    return [start + REQUEUE_AFTER + TICK, start + SENDING_LEASE + 2 * TICK]


def emails_due(app: Flask, redis_url: str, count: int) -> list[str]:
    """Post `count` candidates' interviews, apply them, and tick at DUE.

    Returns the candidates' addresses; their thank-yous are then queued in Redis.
    """
    sender = Sender(app)
    for n in range(count):
        assert sender.post(candidate_event(n)).status_code == 202
    drain(app, redis_url)
    # A worker process may be applying the last one still.
    wait_until(all_events_applied, 30, "every event to be applied")
    tick(DUE)
    return [candidate_address(n) for n in range(count)]


def recover(app: Flask, redis_url: str, start: datetime = DUE) -> datetime:
    """Tick past the re-queue delay and the sending lease, working the queue each
    time, as a scheduler and a worker would; return the last tick's instant."""
    last = start
    for at in recovery_ticks(start):
        tick(at)
        with clock.frozen_at(at):
            drain(app, redis_url)
        last = at
    return last


def worker_idle(redis_url: str) -> bool:
    """No job waiting, and no live worker busy: the workers have caught up.

    A SIGKILLed worker's registration (and its job in the started registry) lingers
    in Redis for minutes, so only workers whose process is alive count.
    """
    connection = redis.Redis.from_url(redis_url, socket_timeout=2)
    try:
        if any(len(Queue(name, connection=connection)) for name in QUEUE_NAMES):
            return False
        live = [w for w in Worker.all(connection=connection) if _alive(w.pid)]
        return all(
            w.get_state() != WorkerStatus.BUSY and w.get_current_job_id() is None
            for w in live
        )
    finally:
        connection.close()


def caught_up(redis_url: str, at: datetime) -> bool:
    """Everything the tick at `at` queued has been worked, and the workers idle."""
    db.session.expire_all()
    queued_now = db.session.scalar(
        select(func.count())
        .select_from(OutboundEmail)
        .where(
            or_(
                (OutboundEmail.status == EmailStatus.PENDING)
                & (OutboundEmail.enqueued_at == at),
                (OutboundEmail.status == EmailStatus.SENDING)
                & (OutboundEmail.sending_started_at == at),
            )
        )
    ) + db.session.scalar(
        select(func.count())
        .select_from(InboxEvent)
        .where(InboxEvent.status == InboxStatus.PENDING, InboxEvent.enqueued_at == at)
    )
    db.session.rollback()
    return not queued_now and worker_idle(redis_url)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def recover_with_worker(redis_url: str, start: datetime = DUE) -> datetime:
    """Tick past the re-queue delay and the sending lease while a worker process
    works the queue; return the last tick's instant."""
    last = start
    for at in recovery_ticks(start):
        tick(at)
        wait_until(partial(caught_up, redis_url, at), 30, "the worker to catch up")
        last = at
    return last
