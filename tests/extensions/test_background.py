"""Without Redis: jobs handed to a thread (the jobs process's), or through its pipe."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from plugin.extensions import db
from plugin.extensions.background import (
    BackgroundJobs,
    JobsPipe,
    read_jobs,
    start_background_jobs,
    use_background_jobs,
)
from plugin.models import Application, InboxEvent, InboxStatus
from tests.support.events import interview_event
from tests.support.signing import SignedPost

WAIT_SECONDS = 10.0
# Set by a test to let the job `hold_the_worker` end.
released = threading.Event()


def hold_the_worker() -> None:
    """A job that keeps the worker thread busy until the test releases it."""
    released.wait(WAIT_SECONDS)


@pytest.fixture
def jobs(inline_app: Flask) -> Iterator[BackgroundJobs]:
    """The app as `followup run` serves it: jobs on the background thread."""
    runner = start_background_jobs(inline_app)
    yield runner
    runner.stop(timeout=WAIT_SECONDS)


@pytest.fixture
def gate(jobs: BackgroundJobs) -> Iterator[threading.Event]:
    """Hold the worker thread busy until the test sets this."""
    released.clear()
    jobs.submit(f"{__name__}.hold_the_worker")
    yield released
    released.set()


def statuses(app: Flask) -> list[str]:
    with app.app_context():
        found = list(db.session.scalars(select(InboxEvent.status).order_by("id")))
        db.session.remove()
        return found


def wait_for(condition: Callable[[], bool]) -> bool:
    ends = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.05)
    return False


def post(app: Flask, number: int = 1) -> int:
    event = interview_event(**{"data.application.id": f"a-{number}"})
    return SignedPost(app.test_client())(event).status_code


def test_a_webhook_is_answered_before_its_event_is_processed(inline_app, jobs, gate):
    assert post(inline_app) == 202

    assert statuses(inline_app) == [InboxStatus.PENDING]
    gate.set()
    assert wait_for(lambda: statuses(inline_app) == [InboxStatus.PROCESSED])
    with inline_app.app_context():
        assert db.session.scalars(select(Application.external_id)).all() == ["a-1"]


def test_stopping_runs_every_job_already_queued(inline_app, jobs, gate):
    for number in range(3):
        assert post(inline_app, number) == 202
    threading.Timer(0.2, gate.set).start()

    assert jobs.stop(timeout=WAIT_SECONDS)
    assert statuses(inline_app) == [InboxStatus.PROCESSED] * 3


def test_a_failing_job_does_not_stop_the_worker(inline_app, jobs):
    jobs.submit("builtins.int", "not a number")
    assert post(inline_app) == 202

    assert wait_for(lambda: statuses(inline_app) == [InboxStatus.PROCESSED])


def test_without_the_worker_thread_jobs_run_inline(inline_app):
    assert post(inline_app) == 202

    assert statuses(inline_app) == [InboxStatus.PROCESSED]


def test_jobs_written_to_the_pipe_run_where_it_is_read(inline_app):
    reader, writer = os.pipe()
    use_background_jobs(inline_app, JobsPipe(writer))
    for number in range(3):
        assert post(inline_app, number) == 202
    assert statuses(inline_app) == [InboxStatus.PENDING] * 3
    os.write(writer, b"a line cut short\n")
    os.close(writer)

    worker = BackgroundJobs(inline_app)
    worker.start()
    read_jobs(reader, worker)

    assert worker.stop(timeout=WAIT_SECONDS)
    assert statuses(inline_app) == [InboxStatus.PROCESSED] * 3


def test_a_full_pipe_refuses_jobs_whole():
    reader, writer = os.pipe()
    pipe = JobsPipe(writer)
    try:
        while pipe.submit("plugin.jobs.inbox.process_inbox_event", 1):
            pass
        os.set_blocking(reader, False)
        lines = os.read(reader, 1 << 20).splitlines(keepends=True)
    finally:
        os.close(reader)
        os.close(writer)

    assert lines and all(line.endswith(b"\n") for line in lines)  # none cut short
