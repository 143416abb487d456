"""Counters of what the web processes do, for `GET /metrics` (Prometheus).

Under gunicorn each worker is its own process: with PROMETHEUS_MULTIPROC_DIR set
(before the processes start), prometheus_client keeps each process's counts in
files there and the scrape adds them up. Everything that workers and the scheduler
do is read from the database at scrape time instead (plugin/views/metrics.py).
"""

from __future__ import annotations

import os

from prometheus_client import Counter
from prometheus_client.registry import Collector

from plugin.extensions.limits import rate_limited

PREFIX = "followup_"
MULTIPROCESS_SETTING = "PROMETHEUS_MULTIPROC_DIR"

# registry=None: the scrape builds its own registry (one process, or all of them).
WEBHOOKS = Counter(
    f"{PREFIX}webhooks",
    "Webhook deliveries answered, by source and HTTP status.",
    ["source", "status"],
    registry=None,
)
RATE_LIMITED = Counter(
    f"{PREFIX}rate_limited",
    "Requests refused by a rate limit, by limit.",
    ["limit"],
    registry=None,
)
WEB_COUNTERS: tuple[Collector, ...] = (WEBHOOKS, RATE_LIMITED)


def count_webhook(source: str, status: int) -> None:
    """Count one answered delivery; `source` must be a known source's name."""
    WEBHOOKS.labels(source=source, status=str(status)).inc()


def count_rate_limited(limit: str) -> None:
    """Count one request refused by the rate limit called `limit` ("plan_per_ip")."""
    RATE_LIMITED.labels(limit=limit).inc()


def count_refusals() -> None:
    """Count every rate-limit refusal the limiter announces (once per process)."""
    # Connected by identity and held strongly: calling it again connects nothing more.
    rate_limited.connect(_on_rate_limited, weak=False)


def _on_rate_limited(app: object, limit: str) -> None:
    count_rate_limited(limit)


def multiprocess_dir() -> str | None:
    """The folder of per-process counts, when counting across processes."""
    # prometheus_client reads this variable itself, when it is imported.
    return os.environ.get(MULTIPROCESS_SETTING) or None
