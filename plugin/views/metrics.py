"""`GET /metrics`: Prometheus text format, every name prefixed `followup_`.

Counters of what the web processes do come from prometheus_client (summed over
gunicorn's workers in multiprocess mode). The state of the work is read from the
database and Redis at scrape time, since workers and the scheduler run elsewhere:
a fixed handful of aggregate queries, whatever the size of the tables.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from datetime import datetime

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis import RedisError
from sqlalchemy.exc import SQLAlchemyError

from plugin import clock
from plugin.extensions import db
from plugin.extensions.metrics import PREFIX, WEB_COUNTERS, multiprocess_dir
from plugin.extensions.queues import queue_depths, redis_connection
from plugin.models import AlertStatus, DigestStatus, EmailStatus, InboxStatus
from plugin.operations.monitoring import (
    PolledSource,
    last_tick_at,
    polled_sources,
    rows_by_status,
)
from plugin.views.common import error_response

bp = Blueprint("metrics", __name__)

# Every status of each kind of work, so each series exists (at 0) from the start.
STATUSES = {
    "events": [str(s) for s in InboxStatus],
    "emails": [str(s) for s in EmailStatus],
    "alerts": [str(s) for s in AlertStatus],
    "digests": [str(s) for s in DigestStatus],
}
HELP = {
    "events": "Stored webhook deliveries by status (processed: applied).",
    "emails": "Coaching emails by status (unknown: an operator must settle them).",
    "alerts": "Recruiter alerts by status.",
    "digests": "Recruiter digests by status.",
}


@bp.get("/metrics")
def metrics() -> Response | tuple[Response, int]:
    """The counters and the state of the work, for a Prometheus scrape."""
    if not _token_accepted():
        answer, status = error_response(
            401,
            "unauthorized",
            "This endpoint needs the metrics token.",
            {"Authorization": ["Send 'Bearer <METRICS_TOKEN>'."]},
        )
        answer.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return answer, status
    registry = CollectorRegistry(auto_describe=False)
    _add_web_counters(registry)
    registry.register(WorkState(list(_work_state()) + list(_queue_state())))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _token_accepted() -> bool:
    """Open when METRICS_TOKEN is unset; else require it as the bearer token."""
    expected = current_app.config.get("METRICS_TOKEN")
    if not expected:
        return True
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    # Compared in constant time, on bytes, so timing tells nothing of the token.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), str(expected).encode()
    )


def _add_web_counters(registry: CollectorRegistry) -> None:
    folder = multiprocess_dir()
    if folder:
        # Every gunicorn worker's counts, added up from their files.
        MultiProcessCollector(registry, path=folder)
    else:
        for counter in WEB_COUNTERS:
            registry.register(counter)


class WorkState:
    """A collector that hands out families read once for this scrape."""

    def __init__(self, families: Iterable[Metric]):
        self.families = list(families)

    def collect(self) -> Iterator[Metric]:
        """The families, as read."""
        return iter(self.families)


def _work_state() -> Iterator[Metric]:
    """Rows by status, the last tick and the pull sources; `database_up` 0 if down."""
    up = GaugeMetricFamily(f"{PREFIX}database_up", "Whether the database answered.")
    try:
        by_status = rows_by_status()
        ticked_at = last_tick_at()
        sources = polled_sources()
    except SQLAlchemyError:
        db.session.rollback()
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield up
    now = clock.now()
    yield from _by_status(by_status)
    yield _unknown_deliveries(by_status)
    yield from _tick(ticked_at, now)
    yield from _sources(sources, now)


def _by_status(by_status: dict[str, dict[str, int]]) -> Iterator[Metric]:
    for kind, statuses in STATUSES.items():
        family = GaugeMetricFamily(f"{PREFIX}{kind}", HELP[kind], labels=["status"])
        counts = by_status.get(kind, {})
        for status in sorted(set(statuses) | set(counts)):
            family.add_metric([status], counts.get(status, 0))
        yield family


def _unknown_deliveries(by_status: dict[str, dict[str, int]]) -> Metric:
    family = GaugeMetricFamily(
        f"{PREFIX}unknown_deliveries",
        "Emails, alerts and digests whose fate is unknown; never resent by themselves.",
        labels=["kind"],
    )
    for kind in ("emails", "alerts", "digests"):
        family.add_metric([kind], by_status.get(kind, {}).get("unknown", 0))
    return family


def _tick(ticked_at: datetime | None, now: datetime) -> Iterator[Metric]:
    if ticked_at is None:
        return  # never ticked: no sample rather than a made-up age
    yield GaugeMetricFamily(
        f"{PREFIX}last_tick_age_seconds",
        "Seconds since the last tick ran.",
        value=max(0.0, (now - ticked_at).total_seconds()),
    )
    yield GaugeMetricFamily(
        f"{PREFIX}last_tick_timestamp_seconds",
        "When the last tick ran (Unix time).",
        value=ticked_at.timestamp(),
    )


def _sources(sources: list[PolledSource], now: datetime) -> Iterator[Metric]:
    connected = GaugeMetricFamily(
        f"{PREFIX}source_connected",
        "Whether a configured pull source's last poll reached its vendor.",
        labels=["source"],
    )
    age = GaugeMetricFamily(
        f"{PREFIX}source_last_good_poll_age_seconds",
        "Seconds since each pull source last polled well.",
        labels=["source"],
    )
    for source in sources:
        connected.add_metric([source.name], source.connection == "connected")
        if source.last_good_poll_at is not None:
            seconds = (now - source.last_good_poll_at).total_seconds()
            age.add_metric([source.name], max(0.0, seconds))
    yield connected
    yield age


def _queue_state() -> Iterator[Metric]:
    """Jobs waiting per RQ queue, and `redis_up`; nothing when jobs run inline."""
    connection = redis_connection()
    if connection is None:
        return
    up = GaugeMetricFamily(f"{PREFIX}redis_up", "Whether Redis answered.")
    try:
        depths = queue_depths(connection)
    except RedisError:
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield up
    depth = GaugeMetricFamily(
        f"{PREFIX}queue_depth", "Jobs waiting in each queue.", labels=["queue"]
    )
    for name, length in depths.items():
        depth.add_metric([name], length)
    yield depth
