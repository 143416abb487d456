"""The jobs process of `followup run`: started, watched and stopped by the web process.

Without Redis, `followup run` serves requests in one process and works the jobs, the
tick and the source polls in a second one, so the two never share an interpreter.
The web process writes each job to a pipe (`plugin.extensions.background`); the
jobs process reads it. If the jobs process dies, the web process logs it and starts
another on the same pipe, so jobs written meanwhile wait there for it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

import click
from flask import Flask, current_app

from plugin.cli.apps import with_jobs_app
from plugin.cli.sources import start_polling
from plugin.extensions import db
from plugin.extensions.background import (
    JobsPipe,
    read_jobs,
    share_writers_turn,
    start_background_jobs,
    use_background_jobs,
)
from plugin.jobs.tick import run_tick

log = logging.getLogger(__name__)

# How long the jobs process works through queued jobs once asked to stop.
DRAIN_SECONDS = 30.0
# A jobs process that ended is started again after 1 s, then 2, 4 ... up to a minute;
# one that had run for a minute is taken as healthy, and the wait starts over.
FIRST_RESTART_DELAY = 1.0
LAST_RESTART_DELAY = 60.0
HEALTHY_AFTER_SECONDS = 60.0
# How much longer than its drain the web process waits for the child to exit.
EXIT_MARGIN_SECONDS = 5.0


class JobsProcess:
    """The child process that runs the web process's jobs, kept running."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        # The web process keeps the read end too: a new child reads on where the
        # last one stopped, and writes never fail for want of a reader.
        self._read_fd, write_fd = os.pipe()
        self.pipe = JobsPipe(write_fd)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the child (OSError if it cannot be), then watch it from a thread."""
        self._process = self._spawn()
        threading.Thread(target=self._watch, daemon=True, name="jobs-watch").start()

    def stop(self) -> None:
        """Close the pipe and let the child finish what it holds; end it if it won't."""
        with self._lock:
            self._stopping.set()
            process = self._process
        os.close(self.pipe.fd)
        os.close(self._read_fd)
        if process is None:
            return
        try:
            # The child drains for DRAIN_SECONDS at most, then exits by itself.
            process.wait(DRAIN_SECONDS + EXIT_MARGIN_SECONDS)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()
            log.warning("jobs still queued at exit; the next tick queues them again")

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "plugin.cli", "run-jobs"]
        # A process group of its own: Ctrl-C in the terminal reaches only the web
        # process, which stops the child by closing the pipe, so that the jobs
        # already handed over still run (even while the child is starting).
        return subprocess.Popen(
            [*command, "--from-fd", str(self._read_fd)],
            pass_fds=(self._read_fd,),
            process_group=0,
        )

    def _watch(self) -> None:
        delay = FIRST_RESTART_DELAY
        while True:
            started = time.monotonic()
            assert self._process is not None
            code = self._process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= HEALTHY_AFTER_SECONDS:
                delay = FIRST_RESTART_DELAY
            log.error(
                "the jobs process ended (exit code %s); starting another in %.0f s",
                code,
                delay,
            )
            if self._stopping.wait(delay):
                return
            delay = min(2 * delay, LAST_RESTART_DELAY)
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._process = self._spawn()
                except OSError as exc:
                    # The dead process stays in hand: the loop waits and tries again.
                    log.error("the jobs process could not start: %s", exc.strerror)


def start_jobs_process(app: Flask) -> JobsProcess:
    """Start the jobs process; from now on this process's jobs go to it.

    Raises click.ClickException when the child cannot be started at all.
    """
    share_writers_turn(app)
    jobs = JobsProcess(app)
    try:
        jobs.start()
    except OSError as exc:
        raise click.ClickException(
            f"cannot start the jobs process: {exc.strerror}"
        ) from exc
    use_background_jobs(app, jobs.pipe)
    return jobs


@click.command("run-jobs", hidden=True)
@click.option("--from-fd", "from_fd", required=True, type=int)
@with_jobs_app
def run_jobs_command(from_fd: int) -> None:
    """Work the jobs `followup run` writes to FROM_FD; tick and poll (started by it)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = start_background_jobs(app)
    stop = threading.Event()
    tick_and_poll(app, stop)
    try:
        read_jobs(from_fd, jobs)
    finally:
        stop.set()
        if not jobs.stop(timeout=DRAIN_SECONDS):
            log.warning("jobs still queued at exit; the next tick queues them again")


def tick_and_poll(app: Flask, stop: threading.Event) -> None:
    """On threads until `stop` is set: tick every TICK_INTERVAL s, poll the sources."""
    interval = app.config["TICK_INTERVAL"]
    if interval:
        threading.Thread(
            target=tick_forever, args=(app, interval, stop), daemon=True, name="tick"
        ).start()
    start_polling(app, stop)


def tick_forever(app: Flask, interval: int, stop: threading.Event) -> None:
    """Tick every `interval` seconds until `stop` is set, riding out failures."""
    while not stop.wait(interval):
        with app.app_context():
            try:
                run_tick()
            except Exception:
                log.exception("background tick failed; trying again next interval")
            finally:
                db.session.remove()
