"""Running queued jobs the way a real RQ worker does."""

from __future__ import annotations

import redis as redis_lib
from flask import Flask
from rq import Queue, SimpleWorker

from plugin.extensions.queues import QUEUE_NAMES, job_class_for


def run_queued_jobs(app: Flask, redis: redis_lib.Redis) -> int:
    """Run every queued job in a real RQ worker, in burst mode; return the count."""
    queues = [Queue(name, connection=redis) for name in QUEUE_NAMES]
    before = sum(len(q) for q in queues)
    worker = SimpleWorker(queues, connection=redis, job_class=job_class_for(app))
    worker.work(burst=True)
    return before
