"""`followup run` without Redis: requests queue jobs on a thread and answer at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from plugin.extensions import db
from plugin.extensions.background import BackgroundJobs, start_background_jobs
from plugin.models import Application, InboxEvent, InboxStatus
from tests.support.events import interview_event
from tests.support.signing import SignedPost

WAIT_SECONDS = 10.0


@pytest.fixture
def jobs(inline_app: Flask) -> Iterator[BackgroundJobs]:
    """The app as `followup run` serves it: jobs on the background thread."""
    runner = start_background_jobs(inline_app)
    yield runner
    runner.stop(timeout=WAIT_SECONDS)


@pytest.fixture
def gate(jobs: BackgroundJobs) -> threading.Event:
    """Hold the worker thread busy until the test sets this."""
    opened = threading.Event()
    jobs.submit(opened.wait, WAIT_SECONDS)
    return opened


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
    jobs.submit(int, "not a number")
    assert post(inline_app) == 202

    assert wait_for(lambda: statuses(inline_app) == [InboxStatus.PROCESSED])


def test_without_the_worker_thread_jobs_run_inline(inline_app):
    assert post(inline_app) == 202

    assert statuses(inline_app) == [InboxStatus.PROCESSED]
