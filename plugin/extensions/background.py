"""Jobs off the request path: how `followup run` answers without waiting for work.

Without Redis, queued jobs would run inline, inside the request that queued them: a
webhook's answer would wait for the event to be processed. `followup run` starts a
jobs process instead. The web process writes each job (its function's dotted name
and its ids) to a pipe (`JobsPipe`) and answers; the jobs process reads the pipe
(`read_jobs`) and runs the jobs on one thread (`BackgroundJobs`), with its tick. The
two processes share no interpreter, so a request never waits for a job's Python
work, only, on SQLite, for its turn to write. One-shot commands (`followup tick`)
and the tests start no jobs process, so their jobs run inline.

The jobs' rows are committed before they are queued, so a job lost here (the pipe
full, or the jobs process ended before running it) is queued again by the next tick.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import threading
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from rq.utils import import_attribute

from plugin.extensions import db
from plugin.extensions.sqlite import stop_taking_turns, take_turns

log = logging.getLogger(__name__)

BACKGROUND_EXTENSION = "followup.background"
# The file whose lock hands the SQLite writers' turn between the two processes.
TURNS_LOCK_FILE = "writers.lock"


class JobRunner(Protocol):
    """Where the app's jobs go when there is no Redis."""

    def submit(self, func: str, *args: Any) -> bool:
        """Hand over the job function named `func` (dotted) with `args`."""


class BackgroundJobs:
    """A queue and one thread that runs its jobs, in order, in an app context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._queue: queue.Queue[tuple[str, tuple[Any, ...]] | None] = queue.Queue()
        self._thread = threading.Thread(
            target=self._work, daemon=True, name="background-jobs"
        )

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def submit(self, func: str, *args: Any) -> bool:
        """Queue `func(*args)`; it runs after everything queued before it."""
        self._queue.put((func, args))
        return True

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
                    import_attribute(func)(*args)
                except Exception:
                    # The job left its row pending or failed; the tick takes it up.
                    log.exception("background job %s failed", func)
                finally:
                    db.session.remove()


class JobsPipe:
    """The web process's end of the pipe to the jobs process: one line per job."""

    def __init__(self, fd: int) -> None:
        # A full pipe must cost a request nothing: the write fails and the row
        # waits for the tick.
        os.set_blocking(fd, False)
        self.fd = fd

    def submit(self, func: str, *args: Any) -> bool:
        """Write the job as one JSON line; False if it could not be handed over.

        A write of at most PIPE_BUF bytes is atomic, so lines from several request
        threads never interleave, and a refused write leaves no partial line.
        """
        line = json.dumps([func, list(args)]).encode() + b"\n"
        if len(line) > select.PIPE_BUF:
            log.error("job %s is too large for the jobs pipe; left for the tick", func)
            return False
        try:
            os.write(self.fd, line)
        except OSError as exc:
            log.warning(
                "jobs pipe refused %s (%s); left for the tick", func, type(exc).__name__
            )
            return False
        return True


def read_jobs(fd: int, jobs: BackgroundJobs) -> None:
    """Queue each job written to `fd` on `jobs`, until every writer has closed it."""
    with open(fd, "rb") as pipe:
        for line in pipe:
            try:
                func, args = json.loads(line)
            except ValueError:
                # A line cut short when an earlier jobs process died mid-read.
                log.warning("skipped an unreadable line on the jobs pipe")
                continue
            jobs.submit(func, *args)


def start_background_jobs(app: Flask) -> BackgroundJobs:
    """Start the worker thread; from now on the app's jobs go to it.

    On SQLite, every thread of every process that shares the file takes turns to
    write.
    """
    share_writers_turn(app)
    jobs = BackgroundJobs(app)
    use_background_jobs(app, jobs)
    jobs.start()
    return jobs


def share_writers_turn(app: Flask) -> None:
    """Take turns to write with the other processes using this data folder."""
    folder = Path(app.config["DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    take_turns(folder / TURNS_LOCK_FILE)


def use_background_jobs(app: Flask, runner: JobRunner) -> None:
    """Send the app's jobs to `runner` instead of running them inline."""
    app.extensions[BACKGROUND_EXTENSION] = runner


def background_jobs(app: Flask | None = None) -> JobRunner | None:
    """Where the app's jobs go, or None when they run inline."""
    found = (app or current_app).extensions.get(BACKGROUND_EXTENSION)
    return found if isinstance(found, BackgroundJobs | JobsPipe) else None
