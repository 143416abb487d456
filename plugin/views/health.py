"""`GET /healthz`: a readiness check, `ok`, `degraded` or `down`.

`down` (503) is kept for this service's own parts: the database unreachable, its
schema not at this code's migration head, or Redis unreachable when configured.
Failed or stuck work, a stale tick, our own mail settings refused, or a pull source
that has not polled well are `degraded` (200): restarting the web container would
fix none of them, and a vendor's outage must never take it down.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from redis import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plugin import clock
from plugin.extensions import db
from plugin.extensions.queues import redis_connection
from plugin.operations.mail_problems import recent_configuration_errors
from plugin.operations.monitoring import (
    PolledSource,
    last_tick_at,
    polled_sources,
    schema_state,
    work_problems,
)

bp = Blueprint("health", __name__)

Check = dict[str, Any]
OK, DEGRADED, DOWN = "ok", "degraded", "down"
WORK_CHECKS = ("work", "tick", "mail", "sources")
# A tick or a poll is late after this many of its intervals.
STALE_AFTER_INTERVALS = 3
# A source polled every few seconds may still take minutes over one poll.
LEAST_POLL_GRACE = timedelta(minutes=5)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Check our own parts, then the work; 503 only when our own parts are down."""
    checks: dict[str, Check] = {"database": _database()}
    checks["migrations"] = _migrations(checks["database"])
    checks["redis"] = _redis()
    if checks["migrations"]["status"] == OK:
        checks.update(_work_checks())
    else:
        skipped = {"status": "skipped", "detail": "needs a migrated database"}
        for name in WORK_CHECKS:
            checks[name] = dict(skipped)
    status = _overall(checks)
    return jsonify(status=status, checks=checks), (503 if status == DOWN else 200)


def _overall(checks: dict[str, Check]) -> str:
    states = {check["status"] for check in checks.values()}
    if DOWN in states:
        return DOWN
    return DEGRADED if DEGRADED in states else OK


def _database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return {
            "status": DOWN,
            "detail": f"unreachable ({type(exc).__name__}); check DATABASE_URL",
        }
    return {"status": OK}


def _migrations(database: Check) -> Check:
    if database["status"] != OK:
        return {"status": "skipped", "detail": "needs the database"}
    try:
        state = schema_state()
    except SQLAlchemyError as exc:
        return {"status": DOWN, "detail": f"unreadable ({type(exc).__name__})"}
    if state.at_head:
        return {"status": OK, "revision": ",".join(state.current)}
    detail = (
        "the database was never migrated"
        if not state.migrated
        else f"at {','.join(state.current)}, this code expects {','.join(state.heads)}"
    )
    return {"status": DOWN, "detail": f"{detail}; run `followup db upgrade`"}


def _redis() -> Check:
    connection = redis_connection()
    if connection is None:
        return {"status": "not configured", "detail": "jobs run inline"}
    try:
        connection.ping()
    except RedisError as exc:
        return {
            "status": DOWN,
            "detail": f"unreachable ({type(exc).__name__}); check REDIS_URL",
        }
    return {"status": OK}


def _work_checks() -> dict[str, Check]:
    """The checks that read the work's state; a database error skips them."""
    now = clock.now()
    try:
        return {
            "work": _work(now),
            "tick": _tick(now),
            "mail": _mail(),
            "sources": _sources(now),
        }
    except SQLAlchemyError as exc:
        db.session.rollback()
        detail = f"unreadable ({type(exc).__name__})"
        return {name: {"status": DOWN, "detail": detail} for name in WORK_CHECKS}


def _work(now: datetime) -> Check:
    problems = work_problems(now)
    counts = vars(problems)
    if not problems.total():
        return {"status": OK, **counts}
    return {
        "status": DEGRADED,
        "detail": "failed or stuck work: see `followup events list --stuck` "
        "and `followup outbox list --unknown`",
        **counts,
    }


def _tick(now: datetime) -> Check:
    interval = current_app.config["TICK_INTERVAL"]
    ticked_at = last_tick_at()
    age = None if ticked_at is None else max(0, int((now - ticked_at).total_seconds()))
    check: Check = {"last_tick_age_seconds": age, "interval_seconds": interval}
    if not interval:
        return {"status": OK, "detail": "no tick expected (TICK_INTERVAL=0)", **check}
    if age is None:
        return {"status": DEGRADED, "detail": "no tick has run yet", **check}
    if age > STALE_AFTER_INTERVALS * interval:
        detail = f"no tick for {age} s; is `followup scheduler` running?"
        return {"status": DEGRADED, "detail": detail, **check}
    return {"status": OK, **check}


def _mail() -> Check:
    """A refused sender or login means no email can go out: the operator must act."""
    errors = recent_configuration_errors()
    if errors:
        return {
            "status": DEGRADED,
            "detail": f"the mail server refused our sender or login for {errors} "
            "email(s) in the last 24 hours; check MAIL_FROM and SMTP_URL",
            "configuration_errors": errors,
        }
    return {"status": OK}


def _sources(now: datetime) -> Check:
    """Each configured pull source; a vendor's trouble is never more than degraded."""
    report = {source.name: _source(source, now) for source in polled_sources()}
    late = sorted(name for name, state in report.items() if state["status"] != OK)
    check: Check = {"status": DEGRADED if late else OK, "polled": report}
    if late:
        # Vendor errors stay off this public page: `followup sources list` has them.
        check["detail"] = (
            f"not polling well: {', '.join(late)}; see `followup sources list`"
        )
    return check


def _source(source: PolledSource, now: datetime) -> Check:
    good = source.last_good_poll_at
    age = None if good is None else max(0, int((now - good).total_seconds()))
    state: Check = {"connection": source.connection, "last_good_poll_age_seconds": age}
    interval = current_app.config["SOURCES_POLL_INTERVAL"]
    grace = max(LEAST_POLL_GRACE, timedelta(seconds=STALE_AFTER_INTERVALS * interval))
    failing = source.connection == "failing"
    late = bool(interval) and age is not None and age > grace.total_seconds()
    state["status"] = DEGRADED if failing or late else OK
    return state
