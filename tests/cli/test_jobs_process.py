"""`followup run` without Redis: a child process works the jobs, the web one answers.

Each test starts the real command on a free loopback port, with SQLite and mail in
a temporary data folder, and talks to it over HTTP.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.events import interview_event
from tests.support.ports import free_port
from tests.support.signing import WEBHOOK_SECRET, sign_headers

WAIT_SECONDS = 30.0


class RunningServer:
    """`followup run` in its own process group, with what it printed."""

    def __init__(self, folder: Path, **env: str) -> None:
        self.port = free_port()
        self.data = folder / "data"
        self.log = folder / "run.log"
        policy = folder / "policy.toml"
        policy.write_text('[firm]\npostal_address = "1 Test Street"\n')
        environment = {
            "PATH": os.environ["PATH"],
            "DATA_DIR": str(self.data),
            "POLICY_FILE": str(policy),
            "STANDARD_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SOURCES_POLL_INTERVAL": "0",
            **env,
        }
        script = Path(sys.executable).parent / "followup"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(script), "run", "--port", str(self.port)],
                env=environment,
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wait_for(self.answers), self.output()
        assert wait_for(lambda: self.jobs_process() is not None), self.output()

    def answers(self) -> bool:
        try:
            return self.get("/healthz") in (200, 503)
        except OSError:
            return False

    def get(self, path: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.request("GET", path)
        return connection.getresponse().status

    def post(self, event: dict[str, object]) -> tuple[int, float]:
        """Post a signed event; its status, and how long the answer took."""
        raw = json.dumps(event).encode()
        headers = {**sign_headers(raw), "Content-Type": "application/json"}
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/webhooks/standard", raw, headers)
        status = connection.getresponse().status
        return status, time.monotonic() - started

    def statuses(self) -> list[str]:
        with sqlite3.connect(self.data / "followup.sqlite3", timeout=30) as database:
            rows = database.execute("SELECT status FROM inbox_events ORDER BY id")
            return [status for (status,) in rows]

    def jobs_process(self) -> int | None:
        """The pid of the child `followup run` started, if it is running."""
        for entry in Path("/proc").iterdir():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[1] == str(self.process.pid) and fields[0] != "Z":
                return int(entry.name)
        return None

    def output(self) -> str:
        return self.log.read_text()

    def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it: SIGINT to the whole process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=WAIT_SECONDS)

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=WAIT_SECONDS)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path, TICK_INTERVAL="1")
    yield running
    running.kill()


def wait_for(condition: Callable[[], bool]) -> bool:
    ends = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.1)
    return False


def event_due_now(number: int = 1) -> dict[str, object]:
    """An interview that ended two hours ago, where it is now early afternoon.

    Its thank-you is due at once and out of the candidate's quiet hours, so the
    tick running in the jobs process sends it.
    """
    now = datetime.now(UTC)
    offset = (13 - now.hour + 12) % 24 - 12  # hours east of UTC: 13:00 there
    zone = f"Etc/GMT{-offset:+d}"  # Etc/ names count the other way
    ends = now - timedelta(hours=2)
    return interview_event(
        **{
            "timestamp": now.isoformat(),
            "data.candidate.id": f"c-{number}",
            "data.candidate.timezone": zone,
            "data.application.id": f"a-{number}",
            "data.application.employer.timezone": zone,
            "data.application.decision_deadline": (now + timedelta(days=7))
            .date()
            .isoformat(),
            "data.interview.id": f"i-{number}",
            "data.interview.starts_at": (ends - timedelta(hours=1)).isoformat(),
            "data.interview.ends_at": ends.isoformat(),
        }
    )


def test_a_posted_event_is_processed_and_its_email_written(server):
    status, _ = server.post(event_due_now())

    assert status == 202
    assert wait_for(lambda: server.statuses() == ["processed"]), server.output()
    mail = server.data / "mail"
    assert wait_for(lambda: mail.exists() and any(mail.glob("*.eml"))), server.output()
    assert "Dana" in next(mail.glob("*.eml")).read_text()


def test_the_web_process_answers_while_the_jobs_process_cannot_run(tmp_path):
    server = RunningServer(tmp_path, TICK_INTERVAL="0")
    try:
        child = server.jobs_process()
        assert child is not None
        os.kill(child, signal.SIGSTOP)  # idle on the pipe: it holds no lock
        answers = [server.post(event_due_now(n)) for n in range(5)]
        assert server.statuses() == ["pending"] * 5
        os.kill(child, signal.SIGCONT)

        assert [status for status, _ in answers] == [202] * 5
        assert max(took for _, took in answers) < 2.0
        assert wait_for(lambda: server.statuses() == ["processed"] * 5)
    finally:
        server.kill()


def test_a_killed_jobs_process_is_started_again(server):
    first = server.jobs_process()
    assert first is not None
    os.kill(first, signal.SIGKILL)

    assert wait_for(lambda: server.jobs_process() not in (None, first))
    assert server.post(event_due_now())[0] == 202
    assert wait_for(lambda: server.statuses() == ["processed"]), server.output()
    assert "the jobs process ended (exit code -9)" in server.output()


def test_ctrl_c_ends_both_processes_after_the_queued_jobs(server):
    assert server.post(event_due_now())[0] == 202
    child = server.jobs_process()

    assert server.interrupt() == 0
    assert not Path(f"/proc/{child}").exists()
    assert server.statuses() == ["processed"]
