"""The top-level verbs: run, worker, scheduler and tick."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from plugin import clock
from plugin.cli.apps import with_jobs_app
from plugin.cli.jobs_process import start_jobs_process, tick_and_poll
from plugin.cli.sources import start_polling
from plugin.cli.worker import MAX_WAIT_SECONDS, run_worker
from plugin.extensions import db
from plugin.extensions.queues import worker_client
from plugin.jobs.tick import BATCH_SIZE, run_tick

log = logging.getLogger(__name__)


class ClockTime(click.ParamType):
    """An ISO 8601 instant with an offset or Z."""

    name = "ISO8601"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            instant = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time", param, ctx)
        if instant.tzinfo is None:
            self.fail(f"{value!r} has no offset; add Z or +HH:MM", param, ctx)
        return instant


@click.command("tick")
@click.option("--at", "at", type=ClockTime(), help="Act as if it were this instant.")
@click.option(
    "--batch-size",
    default=BATCH_SIZE,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows claimed per transaction.",
)
@with_appcontext
def tick_command(at: datetime | None, batch_size: int) -> None:
    """Do everything due now (or at --at): the catch-up and time-travel tool."""
    instant = at or clock.now()
    with clock.frozen_at(instant):
        report = run_tick(batch_size)
    click.echo(
        f"tick at {instant.isoformat()}: "
        f"{report.touchpoints_claimed} step(s) claimed, "
        f"{report.emails_queued} email(s) queued, "
        f"{report.events_queued} event(s) queued, "
        f"{report.emails_marked_unknown} email(s) marked unknown"
    )


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def run_command(host: str, port: int) -> None:
    """Serve the app, upgrade the database first; tick and poll in the background."""
    from flask_migrate import upgrade  # Alembic: imported for the commands using it
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    upgrade()
    stop_background = _start_background(app)
    _describe_setup(app)
    # A service manager stops us with SIGTERM: leave as Ctrl-C does, draining jobs.
    signal.signal(signal.SIGTERM, _leave)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        stop_background()


def _start_background(app: Flask) -> Callable[[], None]:
    """Start the jobs, the tick and the polls off the request path; how to stop them.

    Without Redis, a child process works all three: a request never waits for them,
    nor for the interpreter they run in. With Redis, workers run the jobs, and this
    process ticks and polls on threads.
    """
    if not app.config["REDIS_URL"]:
        return start_jobs_process(app).stop
    stop = threading.Event()
    tick_and_poll(app, stop)
    return stop.set


def _leave(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _describe_setup(app: Flask) -> None:
    config = app.config
    click.echo(f"Data folder: {config['DATA_DIR']}")
    database = "SQLite in the data folder" if config["EMBEDDED"] else "DATABASE_URL"
    click.echo(f"Database: {database}")
    click.echo(
        "Jobs: "
        + ("Redis (REDIS_URL)" if config["REDIS_URL"] else "a background process")
    )
    click.echo(
        "Mail: "
        + (f"files in {config['MAIL_DIR']}" if config["MAIL_DIR"] else "SMTP_URL")
    )
    if config["EMBEDDED"]:
        click.echo(
            f"Webhook secret: in {config['DATA_DIR'] / 'standard_webhook_secret'}"
        )
    interval = config["TICK_INTERVAL"]
    click.echo(
        f"Tick: every {interval} s" if interval else "Tick: off (TICK_INTERVAL=0)"
    )


@click.command("scheduler")
@with_jobs_app
def scheduler_command() -> None:
    """Tick every TICK_INTERVAL s and poll sources every SOURCES_POLL_INTERVAL s."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    interval = app.config["TICK_INTERVAL"]
    if not interval:
        raise click.UsageError("TICK_INTERVAL is 0: the scheduler has nothing to do")
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    # The first tick runs unguarded: a database that is unreachable or not
    # migrated at start is a setup error, said in one line by the CLI group.
    # Later ones ride out outages.
    click.echo(f"Ticking every {interval} s; stop with Ctrl-C or SIGTERM.")
    run_tick()
    db.session.remove()
    start_polling(app, stop)
    while not stop.wait(interval):
        try:
            run_tick()
        except Exception:
            log.exception("tick failed; trying again next interval")
        finally:
            db.session.remove()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@click.option(
    "--simple",
    is_flag=True,
    help="Run jobs in this process instead of a forked child per job.",
)
@click.option(
    "--max-wait",
    default=MAX_WAIT_SECONDS,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Longest pause, in seconds, between reconnection tries while Redis is down.",
)
@with_jobs_app
def worker_command(burst: bool, simple: bool, max_wait: float) -> None:
    """Run an RQ worker on every queue; each job gets an app context.

    The worker rides out Redis outages: it reconnects with back-off (1 s, doubling
    up to --max-wait) instead of exiting, and the tick queues again whatever was
    lost. By default each job runs in a forked child, so a job that crashes or
    leaks memory cannot take the worker with it. Choose --simple where forking is
    unwelcome (a platform without fork, a debugger, or a supervisor that should see
    one process); a job that crashes the interpreter then stops the worker too.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    connection = worker_client(app)
    if connection is None:
        raise click.UsageError(
            "REDIS_URL is not set: jobs run inline, no worker is needed"
        )
    run_worker(app, connection, burst=burst, simple=simple, max_wait=max_wait)
