"""Shared fixtures: app, client, runner, db, redis, smtp, and event helpers.

SQLite and fakeredis by default; real PostgreSQL and Redis when TEST_DATABASE_URL and
TEST_REDIS_URL are set (CI sets both).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import redis as redis_lib
from aiosmtpd.controller import Controller
from flask import Flask
from flask_migrate import upgrade
from rq import Queue, SimpleWorker
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook

from plugin import clock, create_app
from plugin.extensions import db as _db
from plugin.extensions.queues import QUEUE_NAMES, job_class_for, use_redis

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

WEBHOOK_KEY = b"follow-up coach test key, 32 b!!"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(WEBHOOK_KEY).decode()

POLICY_TOML = """
[firm]
name = "Northwind Staffing"
postal_address = "12 Harbour Road, Portland, ME 04101"
timezone = "America/New_York"
"""


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the whole run uses, built once by the migrations."""
    url = TEST_DATABASE_URL or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    )
    app = create_app(_base_settings(url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        _db.engine.dispose()
    return url


def _base_settings(database_url: str, data_dir: Path) -> dict[str, Any]:
    policy = data_dir / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "test-secret-key",
        "MAIL_FROM": "Northwind Coach <coach@northwind.example>",
        "BASE_URL": "http://localhost",
        "POLICY_FILE": str(policy),
        "STANDARD_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TICK_INTERVAL": "0",
    }


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Env-style settings for one test; edit before asking for `app`."""
    return _base_settings(database_url, tmp_path)


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
    _empty_tables(application)


@pytest.fixture
def inline_app(
    request: pytest.FixtureRequest, settings: dict[str, Any]
) -> Iterator[Flask]:
    """The app as on the embedded default: no Redis, jobs run inline."""
    _start_smtp_first(request)
    application = create_app(settings)
    yield application
    _empty_tables(application)


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
        _db.engine.dispose()


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

    def run() -> int:
        queues = [Queue(name, connection=redis) for name in QUEUE_NAMES]
        before = sum(len(q) for q in queues)
        worker = SimpleWorker(queues, connection=redis, job_class=job_class_for(app))
        worker.work(burst=True)
        return before

    return run


# --- SMTP ---------------------------------------------------------------------


RECRUITER_DOMAIN = "@staffing.example"


@dataclass
class SmtpRecorder:
    """An aiosmtpd handler that keeps what arrives and can be told to misbehave."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_reply: str | None = None
    hang_up_after_data: bool = False

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.hang_up_after_data:
            server.transport.close()
            return "250 OK"
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        self.messages.append(
            message_from_bytes(envelope.content, policy=default_policy)
        )
        return "250 OK"

    @property
    def candidate_messages(self) -> list[EmailMessage]:
        """Emails to candidates (recruiters in the test data are @staffing.example)."""
        return [m for m in self.messages if RECRUITER_DOMAIN not in str(m["To"])]

    @property
    def recruiter_messages(self) -> list[EmailMessage]:
        """Alerts and digests: emails to the firm's recruiters."""
        return [m for m in self.messages if RECRUITER_DOMAIN in str(m["To"])]


@pytest.fixture
def smtp(settings: dict[str, Any]) -> Iterator[SmtpRecorder]:
    """A real SMTP server on loopback; the app's SMTP_URL points at it."""
    recorder = SmtpRecorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield recorder
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def text_part(message: EmailMessage) -> str:
    """The plain-text body of a received email."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    """The HTML body of a received email."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


# --- Events -------------------------------------------------------------------


def interview_event(**changes: Any) -> dict[str, Any]:
    """The example in docs/events.md, with top-level or dotted-path changes applied."""
    event: dict[str, Any] = {
        "type": "interview.scheduled",
        "timestamp": "2026-12-01T09:12:00Z",
        "data": {
            "candidate": {
                "id": "c-881",
                "first_name": "Dana",
                "last_name": "Okafor",
                "email": "dana@example.org",
                "timezone": "America/Chicago",
            },
            "application": {
                "id": "a-5521",
                "job_title": "Payroll Specialist",
                "employer": {
                    "name": "Acme Logistics",
                    "timezone": "America/Chicago",
                    "mailing_address": "100 Main St, Springfield, IL 62701",
                },
                "hiring_manager": {
                    "name": "Lee Park",
                    "email": "lee@acme.example",
                    "ok_to_call": False,
                },
                "decision_deadline": "2026-12-08",
                "recruiter": {
                    "id": "r-7",
                    "name": "Sam Rivera",
                    "email": "sam@staffing.example",
                    "timezone": "America/New_York",
                },
            },
            "interview": {
                "id": "i-9001",
                "starts_at": "2026-12-01T14:00:00-06:00",
                "ends_at": "2026-12-01T15:00:00-06:00",
                "location": "onsite",
                "interviewers": [
                    {
                        "name": "Lee Park",
                        "email": "lee@acme.example",
                        "title": "Payroll Manager",
                    }
                ],
            },
        },
    }
    for path, value in changes.items():
        target = event
        *parents, leaf = path.split(".")
        for key in parents:
            target = target[key]
        if value is _DELETE:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return event


_DELETE = object()
DELETE = _DELETE


@dataclass
class SignedPost:
    """Posts signed Standard Webhooks deliveries to the app's test client."""

    client: Any
    secret: str = WEBHOOK_SECRET

    def __call__(
        self,
        event: Any,
        *,
        msg_id: str | None = None,
        sent_at: datetime | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        path: str = "/webhooks/standard",
    ) -> Any:
        raw = (
            body if body is not None else json.dumps(event, ensure_ascii=False).encode()
        )
        signed_headers = sign_headers(
            raw, msg_id=msg_id, sent_at=sent_at, secret=self.secret
        )
        signed_headers.update(headers or {})
        return self.client.post(
            path, data=raw, headers=signed_headers, content_type="application/json"
        )


def sign_headers(
    raw: bytes,
    *,
    msg_id: str | None = None,
    sent_at: datetime | None = None,
    secret: str = WEBHOOK_SECRET,
) -> dict[str, str]:
    """Standard Webhooks headers, signed by the reference library, not by our code."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    # The sender's clock is ours: tests that move `clock` sign at that moment too.
    when = sent_at or datetime.fromtimestamp(int(clock.now().timestamp()), UTC)
    try:
        signature = Webhook(secret).sign(msg_id, when, raw.decode("utf-8"))
    except UnicodeDecodeError:  # the reference library only signs text
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{msg_id}.{int(when.timestamp())}.".encode() + raw
        signature = (
            "v1,"
            + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }


@pytest.fixture
def post_event(client: Any) -> SignedPost:
    """Post a signed event: `post_event(interview_event())`."""
    return SignedPost(client)
