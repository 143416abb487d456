"""Queues, the job class that gives jobs an app context, and enqueue-after-commit."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, ClassVar

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.job import Job, JobStatus
from rq.utils import import_attribute
from rq.utils import now as rq_now

from plugin import clock
from plugin.extensions.background import background_jobs

log = logging.getLogger(__name__)

# Every queue the service uses, declared once; workers listen in this order.
ALERTS_QUEUE = "alerts"
EVENTS_QUEUE = "events"
MAIL_QUEUE = "mail"
QUEUE_NAMES = (ALERTS_QUEUE, MAIL_QUEUE, EVENTS_QUEUE)

# Job functions, named once: queuing by name keeps callers free of job imports.
PROCESS_INBOX_EVENT = "plugin.jobs.inbox.process_inbox_event"
DELIVER_EMAILS = "plugin.jobs.delivery.deliver_emails"
DELIVER_ALERT = "plugin.jobs.alerts.deliver_alert"
SEND_DIGEST = "plugin.jobs.digests.send_digest"
SEND_LOGIN_EMAIL = "plugin.jobs.login.send_login_email"
JOB_FUNCTIONS = (
    PROCESS_INBOX_EVENT,
    DELIVER_EMAILS,
    DELIVER_ALERT,
    SEND_DIGEST,
    SEND_LOGIN_EMAIL,
)

REDIS_EXTENSION = "followup.redis"


class AppJob(Job):
    """An RQ job whose function runs inside the Flask app's context."""

    flask_app: ClassVar[Flask | None] = None

    def perform(self) -> Any:
        """Run the job function with an app context pushed."""
        if self.flask_app is None:
            raise RuntimeError("AppJob used without an app; use job_class_for(app)")
        with self.flask_app.app_context():
            return super().perform()


def job_class_for(app: Flask) -> type[AppJob]:
    """An AppJob subclass bound to `app`, for workers."""
    return type("BoundAppJob", (AppJob,), {"flask_app": app})


def next_try(attempts: int) -> datetime:
    """When a job that failed `attempts` times runs again: 2, 4, 8, 16 ... minutes."""
    return clock.now() + timedelta(minutes=2**attempts)


def init_app(app: Flask) -> None:
    """Remember the Redis connection to use (none means jobs run inline)."""
    url = app.config.get("REDIS_URL")
    timeout = app.config["REDIS_TIMEOUT"]
    app.extensions[REDIS_EXTENSION] = enqueue_client(url, timeout) if url else None


def enqueue_client(url: str, timeout: float) -> redis.Redis:
    """A client that gives up after `timeout` seconds, once: for queuing work.

    What is queued is already committed to the database, so a hung or absent Redis
    must cost a webhook well under a second; the tick queues the work later.
    """
    # from_url connects lazily: building the client does no I/O.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def worker_client(app: Flask) -> redis.Redis | None:
    """A client for a worker: quick to notice a dead server, patient with reads.

    RQ raises the read timeout above its blocking dequeue by itself; the worker's
    own loop reconnects with back-off when Redis goes away.
    """
    url = app.config.get("REDIS_URL")
    if not url:
        return redis_connection(app)  # one handed over with use_redis, or none
    return redis.Redis.from_url(
        url,
        # Off the request path, a slow (say TLS) handshake may take its time.
        socket_connect_timeout=max(app.config["REDIS_TIMEOUT"], 5.0),
        socket_keepalive=True,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )


def redis_connection(app: Flask | None = None) -> redis.Redis | None:
    """The app's Redis client, or None when jobs run inline."""
    return (app or current_app).extensions.get(REDIS_EXTENSION)


def use_redis(app: Flask, connection: redis.Redis | None) -> None:
    """Point the app at another Redis connection (tests use this for fakeredis)."""
    app.extensions[REDIS_EXTENSION] = connection


def enqueue(
    queue_name: str, func: str, *args: Any, job_id: str, timeout: int | None = None
) -> bool:
    """Queue the job function named `func` (a dotted path), or run it now.

    Jobs are named, not imported, so that any layer may queue work without
    depending on the job modules.

    Call only after committing what the job reads. Returns False when the job could
    not be queued; the database still holds the work, and the next tick queues it.
    """
    return enqueue_many(queue_name, func, [(args, job_id)], timeout) == 1


def enqueue_many(
    queue_name: str,
    func: str,
    calls: list[tuple[tuple[Any, ...], str]],
    timeout: int | None = None,
) -> int:
    """Queue one job per (args, job_id) in a single Redis round trip.

    `timeout` (seconds) is each job's limit in the worker, sized by the caller from
    the work the job holds; None keeps RQ's default. Without Redis each goes to the
    jobs process of `followup run`, or else runs inline, in order. Returns how
    many were queued (or ran without error); the rest stay due
    in the database for the next tick.
    """
    connection = redis_connection()
    if connection is None:
        background = background_jobs()
        if background is None:
            job_function = import_attribute(func)
            return sum(_run_inline(job_function, *args) for args, _ in calls)
        return sum(background.submit(func, *args) for args, _ in calls)
    queue_key = Queue.redis_queue_namespace_prefix + queue_name
    jobs = [
        _queued_job(connection, queue_name, func, args, job_id, timeout)
        for args, job_id in calls
    ]
    try:
        # What RQ's Queue.enqueue_many writes, without its per-call set-up (a
        # Queue, a second write of the status, dependency checks): one MULTI.
        with connection.pipeline() as pipe:
            pipe.sadd(Queue.redis_queues_keys, queue_key)
            for job in jobs:
                pipe.hset(job.key, mapping=job.to_dict())
                pipe.rpush(queue_key, job.id)
            pipe.execute()
    except redis.RedisError as exc:
        log.warning(
            "could not queue %s job(s) (%s); the next tick retries",
            len(calls),
            type(exc).__name__,
        )
        return 0
    return len(calls)


def _queued_job(
    connection: redis.Redis,
    queue_name: str,
    func: str,
    args: tuple[Any, ...],
    job_id: str,
    timeout: int | None,
) -> Job:
    """An RQ job as RQ itself builds and stores it, ready to push onto its queue."""
    job = AppJob.create(
        func,
        args=args,
        id=job_id,
        connection=connection,
        timeout=timeout or Queue.DEFAULT_TIMEOUT,
        result_ttl=3600,
        failure_ttl=7 * 86400,
        origin=queue_name,
        status=JobStatus.QUEUED,
    )
    job.enqueued_at = rq_now()
    return job


def _run_inline(func: Any, *args: Any) -> bool:
    try:
        func(*args)
    except Exception:
        # The job left its row pending or failed; the tick decides what comes next.
        log.exception("inline job %s failed", getattr(func, "__name__", func))
        return False
    return True


def queue_depths(connection: redis.Redis) -> dict[str, int]:
    """Jobs waiting in each queue, in one round trip; raises RedisError if down."""
    with connection.pipeline(transaction=False) as pipe:
        for name in QUEUE_NAMES:
            pipe.llen(Queue(name, connection=connection).key)
        lengths = pipe.execute()
    return {
        name: int(length) for name, length in zip(QUEUE_NAMES, lengths, strict=True)
    }
