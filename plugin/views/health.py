"""`GET /healthz`: can this process reach its database and Redis?"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from redis import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plugin.extensions import db
from plugin.extensions.queues import redis_connection

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Report each dependency; 503 when one that is configured is down."""
    checks = {"database": _database(), "redis": _redis()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", **checks), (
        200 if healthy else 503
    )


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return f"error: {type(exc).__name__}"
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
