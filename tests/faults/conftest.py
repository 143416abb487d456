"""Fixtures for fault runs: a private Redis, faulty mail servers, worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from plugin.extensions import queues

from .harness import RedisServer, WorkerProcess
from .ledger import LEDGER, summary_lines
from .mailservers import MailServer

# Short enough that a hung mail server costs a fault run a second, not thirty.
SMTP_TIMEOUT = 0.5


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, to kill and freeze; never the shared one."""
    server = RedisServer(tmp_path).start()
    yield server
    server.close()


@pytest.fixture
def mail(settings: dict[str, Any]) -> Iterator[MailServer]:
    """A healthy (until told otherwise) SMTP server; SMTP_URL points at it."""
    server = MailServer()
    settings["SMTP_URL"] = server.url
    yield server
    server.close()


@pytest.fixture
def fault_app(
    request: pytest.FixtureRequest,
    settings: dict[str, Any],
    private_redis: RedisServer,
    mail: MailServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    """The app queuing into the private Redis, sending to `mail`, SMTP timeout short."""
    settings["REDIS_URL"] = private_redis.url
    settings["SMTP_TIMEOUT"] = str(SMTP_TIMEOUT)
    # Until SMTP_TIMEOUT is a setting the mail code reads, shorten the constant.
    monkeypatch.setattr(
        "plugin.mail.transport.SMTP_TIMEOUT_SECONDS", SMTP_TIMEOUT, raising=False
    )
    app: Flask = request.getfixturevalue("app")
    queues.init_app(app)  # the shared fixture pointed it elsewhere
    with app.app_context():
        yield app


@pytest.fixture
def start_worker(
    settings: dict[str, Any], tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start `followup worker` processes; each is SIGKILLed at the end if alive."""
    started: list[WorkerProcess] = []

    def start(*args: str, **env: str) -> WorkerProcess:
        environment = {k: str(v) for k, v in settings.items()}
        environment.update(env)
        log_path = tmp_path / f"worker-{len(started)}.log"
        worker = WorkerProcess(environment, log_path, "--max-wait", "1", *args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what the fault runs injected and counted, for the record."""
    if LEDGER:
        terminalreporter.section("fault runs")
        for line in summary_lines():
            terminalreporter.write_line(line)
