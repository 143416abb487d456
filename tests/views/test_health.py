"""`GET /healthz` reports the database and Redis."""

from __future__ import annotations

import redis as redis_lib

from plugin import create_app
from plugin.extensions.queues import use_redis


def test_healthy_when_database_and_redis_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("status", "database", "redis", "mail")} == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "mail": "ok",
    }


def test_inline_jobs_report_redis_as_not_configured(inline_app):
    response = inline_app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["redis"] == "not configured"


def test_unreachable_redis_is_503(settings):
    app = create_app(settings)
    use_redis(
        app, redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    )

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["redis"] == "error: ConnectionError"


def test_unreachable_database_is_503(settings):
    settings["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(settings)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["database"] == "error: OperationalError"
