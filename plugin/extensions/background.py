"""Jobs on a background thread: how `followup run` answers without waiting for work.

Without Redis, queued jobs would run inline, inside the request that queued them: a
webhook's answer would wait for the event to be processed. `followup run` starts
one worker thread instead; the request queues the job and answers. One-shot
commands (`followup tick`) and the tests start none, so their jobs run inline.

The jobs' rows are committed before they are queued, so a job lost here (the
process ended before draining) is queued again by the next tick.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from plugin.extensions import db
from plugin.extensions.sqlite import stop_taking_turns, take_turns

log = logging.getLogger(__name__)

BACKGROUND_EXTENSION = "followup.background"


class BackgroundJobs:
    """A queue and one thread that runs its jobs, in order, in an app context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._queue: queue.Queue[tuple[Callable[..., object], tuple[Any, ...]] | None]
        self._queue = queue.Queue()
        self._thread = threading.Thread(
            target=self._work, daemon=True, name="background-jobs"
        )

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def submit(self, func: Callable[..., object], *args: Any) -> None:
        """Queue `func(*args)`; it runs after everything queued before it."""
        self._queue.put((func, args))

    def stop(self, timeout: float | None = None) -> bool:
        """Run what is queued, then end the thread; False if `timeout` ran out."""
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            return False
        stop_taking_turns()
        return True

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            func, args = item
            with self.app.app_context():
                try:
                    func(*args)
                except Exception:
                    # The job left its row pending or failed; the tick takes it up.
                    log.exception("background job %s failed", _name(func))
                finally:
                    db.session.remove()


def start_background_jobs(app: Flask) -> BackgroundJobs:
    """Start the worker thread; from now on the app's jobs go to it.

    On SQLite, the web threads and the worker then take turns to write.
    """
    take_turns()
    jobs = BackgroundJobs(app)
    app.extensions[BACKGROUND_EXTENSION] = jobs
    jobs.start()
    return jobs


def background_jobs(app: Flask | None = None) -> BackgroundJobs | None:
    """The app's background worker, or None when jobs run inline."""
    found = (app or current_app).extensions.get(BACKGROUND_EXTENSION)
    return found if isinstance(found, BackgroundJobs) else None


def _name(func: Callable[..., object]) -> str:
    return getattr(func, "__name__", repr(func))
