"""The RQ worker behind `followup worker`, made to ride out Redis outages.

RQ's own loop retries a refused connection only while it waits for a job; a Redis
error anywhere else (the heartbeat while a job runs, recording the job's result, a
hung server's read timeout) ends `Worker.work`, and with it the process. Here every
Redis call the worker makes on its own behalf is either retried with back-off or,
when it only keeps RQ's bookkeeping fresh, skipped until Redis is back. The work
itself is safe to lose: its rows in the database say what is still due, and the
tick queues it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from types import FrameType
from typing import Any, TypeVar

import redis
from flask import Flask
from rq import SimpleWorker, Worker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.queue import Queue
from rq.utils import import_attribute
from rq.worker import BaseWorker, WorkerStatus
from sqlalchemy.orm import configure_mappers

from plugin.extensions.queues import JOB_FUNCTIONS, QUEUE_NAMES, job_class_for
from webhooks import all_sources
from webhooks.fields import iana_zone_names

log = logging.getLogger(__name__)

# What a Redis outage looks like from a client: refused, reset, or no answer in time.
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
FIRST_WAIT_SECONDS = 1.0
MAX_WAIT_SECONDS = 30.0

T = TypeVar("T")


class RidesOutRedisOutages(BaseWorker):
    """Mixin for RQ workers: a Redis outage pauses the worker instead of ending it."""

    # RQ's own back-off while waiting for a job uses the same cap.
    max_connection_wait_time = MAX_WAIT_SECONDS

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        """Register with Redis, waiting for it if it is not up yet."""
        self._retry("start", partial(super().bootstrap, *args, **kwargs))

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[Job, Queue] | None:
        """Wait for the next job; through an outage, keep waiting."""
        dequeue = partial(super().dequeue_job_and_maintain_ttl, timeout, max_idle_time)
        return self._retry("wait for a job", dequeue)

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Run the job; losing Redis meanwhile loses RQ's record, not our work."""
        try:
            super().execute_job(job, queue)
        except REDIS_DOWN as exc:
            # The job's rows show how far it got; the tick queues what is still due.
            log.warning(
                "worker lost Redis around job %s (%s); carrying on",
                job.id,
                type(exc).__name__,
            )

    # Set by a stop signal. RQ stops an idle worker by raising StopRequested from
    # the signal handler; a signal that lands inside a log call has that exception
    # swallowed by `logging`, and RQ's own wait for Redis never looks again.
    _stop_signalled = False

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        """Stop once the running job ends, or now; remembered, not only raised."""
        self._stop_signalled = True
        super().request_stop(signum, frame)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        """Tell Redis this worker is alive, when Redis is there to hear it.

        RQ calls this at every round of its wait for a job, Redis up or down, so it
        is also where a stop whose StopRequested was lost is acted on. Between jobs
        only: a running job is always let finish. At worst the job just taken from
        its queue is dropped, and the tick queues that work again.
        """
        if self._stop_signalled and self.get_state() != WorkerStatus.BUSY:
            raise StopRequested()
        self._best_effort(partial(super().heartbeat, timeout, pipeline))

    def maintain_heartbeats(self, job: Job) -> None:
        """Keep the running job's leases fresh; an outage must not end the job."""
        self._best_effort(partial(super().maintain_heartbeats, job))

    def check_for_suspension(self, burst: bool) -> None:
        """Honour `rq suspend`; without Redis, the dequeue below does the waiting."""
        self._best_effort(partial(super().check_for_suspension, burst))

    def run_maintenance_tasks(self) -> None:
        """Clean RQ's registries now, or next time round if Redis is away."""
        self._best_effort(super().run_maintenance_tasks)

    def set_shutdown_requested_date(self) -> None:
        """Record a stop request; a stop must work even while Redis is down."""
        self._best_effort(super().set_shutdown_requested_date)

    def teardown(self) -> None:
        """Unregister from Redis if it is there; exit either way."""
        self._best_effort(super().teardown)

    def _retry(self, what: str, call: Callable[[], T]) -> T:
        return retry_through_outage(
            what, call, self.max_connection_wait_time, self._stop_requested_now
        )

    def _stop_requested_now(self) -> bool:
        return self._stop_requested or self._stop_signalled

    def _best_effort(self, call: Callable[[], object]) -> None:
        try:
            call()
        except REDIS_DOWN as exc:
            log.debug("worker skipped a Redis update (%s)", type(exc).__name__)


class OutageProofWorker(RidesOutRedisOutages, Worker):
    """Forks a child per job: a crashing or leaking job cannot take the worker down."""


class OutageProofSimpleWorker(RidesOutRedisOutages, SimpleWorker):
    """Runs jobs in its own process: no fork per job, one process to supervise."""


def retry_through_outage(
    what: str,
    call: Callable[[], T],
    max_wait: float,
    stop_requested: Callable[[], bool] = lambda: False,
) -> T:
    """Call until Redis answers, waiting 1 s, then twice as long each time."""
    wait = min(FIRST_WAIT_SECONDS, max_wait)
    while True:
        try:
            return call()
        except REDIS_DOWN as exc:
            if stop_requested():
                raise StopRequested() from exc
            log.warning(
                "worker cannot %s: Redis is unavailable (%s); retrying in %.1f s",
                what,
                type(exc).__name__,
                wait,
            )
            time.sleep(wait)
            wait = min(wait * 2, max_wait)


def run_worker(
    app: Flask, connection: redis.Redis, *, burst: bool, simple: bool, max_wait: float
) -> None:
    """Work every queue until stopped (or, with `burst`, until they are empty)."""
    worker_class = OutageProofSimpleWorker if simple else OutageProofWorker
    # Even building a worker talks to Redis (it names its connection).
    worker = retry_through_outage(
        "start",
        partial(
            worker_class,
            list(QUEUE_NAMES),
            connection=connection,
            job_class=job_class_for(app),
        ),
        max_wait,
    )
    worker.max_connection_wait_time = max_wait
    load_before_jobs()
    worker.work(burst=burst, with_scheduler=False)


def load_before_jobs() -> None:
    """Do once, in the worker, the loading every job would otherwise repeat.

    A forked child starts from the worker's memory, so what is loaded here (the job
    modules, the mappers, the ATS sources from their entry points, the list of time
    zones events are checked against) each child finds done. No database connection
    is opened: children must not share one.
    """
    for name in JOB_FUNCTIONS:
        import_attribute(name)
    configure_mappers()
    all_sources()
    iana_zone_names()
