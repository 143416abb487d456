"""Fixtures: app, client, runner, db, redis, smtp, run_jobs and post_event.

SQLite and fakeredis by default; real PostgreSQL and Redis when TEST_DATABASE_URL and
TEST_REDIS_URL are set (CI sets both). The helpers these fixtures use, and that tests
import, live in plain modules under tests/support/.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import redis as redis_lib
from aiosmtpd.controller import Controller
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from plugin import create_app
from plugin.extensions import db as _db
from plugin.extensions.queues import use_redis
from tests.support.database import TEST_DATABASE_URL, empty_tables
from tests.support.ports import free_port
from tests.support.settings import base_settings
from tests.support.signing import SignedPost
from tests.support.smtp import SmtpRecorder
from tests.support.workers import run_queued_jobs

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the whole run uses, built once by the migrations."""
    url = TEST_DATABASE_URL or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    )
    app = create_app(base_settings(url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        _db.engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Env-style settings for one test; edit before asking for `app`."""
    return base_settings(database_url, tmp_path)


@pytest.fixture
def redis() -> Iterator[redis_lib.Redis]:
    """A Redis connection: real when TEST_REDIS_URL is set, else fakeredis."""
    if TEST_REDIS_URL:
        connection = redis_lib.Redis.from_url(TEST_REDIS_URL)
        connection.flushdb()
        yield connection
        connection.flushdb()
    else:
        yield fakeredis.FakeRedis(server=fakeredis.FakeServer())


def _start_smtp_first(request: pytest.FixtureRequest) -> None:
    # The app reads its settings when it is built: start these servers before it.
    for name in ("smtp", "chat_hook"):
        if name in request.fixturenames:
            request.getfixturevalue(name)


@pytest.fixture
def app(
    request: pytest.FixtureRequest, settings: dict[str, Any], redis: redis_lib.Redis
) -> Iterator[Flask]:
    """The app with jobs going through Redis (run them with `run_jobs`)."""
    _start_smtp_first(request)
    application = create_app(settings)
    use_redis(application, redis)
    yield application
    empty_tables(application)


@pytest.fixture
def inline_app(
    request: pytest.FixtureRequest, settings: dict[str, Any]
) -> Iterator[Flask]:
    """The app as on the embedded default: no Redis, jobs run inline."""
    _start_smtp_first(request)
    application = create_app(settings)
    yield application
    empty_tables(application)


@pytest.fixture
def db(app: Flask) -> Any:
    """The SQLAlchemy handle, inside the app's context."""
    return _db


@pytest.fixture
def runner(app: Flask) -> Any:
    """A CLI runner for the `followup` commands."""
    return app.test_cli_runner()


@pytest.fixture
def run_jobs(app: Flask, redis: redis_lib.Redis) -> Callable[[], int]:
    """Run every queued job in a real RQ worker, in burst mode; return the count."""
    return lambda: run_queued_jobs(app, redis)


@pytest.fixture
def smtp(settings: dict[str, Any]) -> Iterator[SmtpRecorder]:
    """A real SMTP server on loopback; the app's SMTP_URL points at it."""
    recorder = SmtpRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield recorder
    controller.stop()


@pytest.fixture
def post_event(client: Any) -> SignedPost:
    """Post a signed event: `post_event(interview_event())`."""
    return SignedPost(client)
