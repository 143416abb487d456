"""`GET /healthz`: can this process reach its database and Redis?

It also reports each pull source's state; a vendor outage never makes it a 503.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from redis import RedisError
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from plugin import clock
from plugin.extensions import db
from plugin.extensions.queues import redis_connection
from plugin.models import SourceState
from plugin.operations.mail_problems import recent_configuration_errors
from webhooks import PullSource, all_sources

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Report each dependency; 503 when one that is configured is down."""
    checks = {"database": _database(), "redis": _redis(), "mail": _mail()}
    healthy = all(
        state in ("ok", "not configured") or state.startswith("unknown")
        for state in checks.values()
    )
    return jsonify(
        status="ok" if healthy else "unavailable", sources=_sources(), **checks
    ), (200 if healthy else 503)


def _sources() -> dict[str, Any]:
    """Each pull source: its connection state and the age of its last good poll."""
    pulled = [s for s in all_sources() if isinstance(s, PullSource)]
    try:
        states = {s.name: s for s in db.session.scalars(select(SourceState))}
    except SQLAlchemyError:
        db.session.rollback()
        states = {}
    report = {}
    for source in pulled:
        state = states.get(source.name)
        configured = not source.missing_settings(current_app.config)
        good = state.last_good_poll_at if state else None
        report[source.name] = {
            "state": (state.connection if state else "new")
            if configured
            else "not configured",
            "last_good_poll_age_seconds": (
                int((clock.now() - good).total_seconds()) if good else None
            ),
        }
    return report


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return f"error: {type(exc).__name__}"
    return "ok"


def _mail() -> str:
    """A refused sender or login means no email can go out: the operator must act."""
    try:
        errors = recent_configuration_errors()
    except SQLAlchemyError:
        db.session.rollback()
        return "unknown: the database is unreachable"
    if errors:
        return (
            f"error: the mail server refused our sender or login for {errors} "
            "email(s) in the last 24 hours; check MAIL_FROM and SMTP_URL"
        )
    return "ok"


def _redis() -> str:
    connection = redis_connection()
    if connection is None:
        return "not configured"
    try:
        connection.ping()
    except RedisError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
