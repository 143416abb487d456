"""`followup sources`: list ATS sources, check one, poll one now.

Exit codes: 0 on success; 1 with a one-line reason when the vendor fails; 2 for an
unknown source, a push-only one, or one that is not configured.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from plugin.extensions import db
from plugin.models import SourceState
from plugin.operations.sources import (
    SourceBusy,
    backlog,
    check_source,
    poll_configured_sources,
    poll_source,
)
from webhooks import (
    PullSource,
    SourceNotConfigured,
    SourceUnavailable,
    WebhookSource,
    all_sources,
    get_source,
)

log = logging.getLogger(__name__)


@click.group("sources")
def sources_group() -> None:
    """ATS sources: pushed (webhooks) and pulled (polled)."""


@sources_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def list_sources(as_json: bool) -> None:
    """Each source: push/pull, configured or not, last poll, backlog, last error."""
    rows = [_describe(source) for source in all_sources()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['name']:<10} {'+'.join(row['kinds']):<9} "
            f"{'configured' if row['configured'] else 'not configured':<15}"
            f"state {row['state']}, last poll {row['last_poll_at'] or '-'} "
            f"({row['last_result'] or '-'}), backlog {row['backlog']}"
            + (f", last error: {row['last_error']}" if row["last_error"] else "")
        )


@sources_group.command("check")
@click.argument("name")
@with_appcontext
def check_command(name: str) -> None:
    """Authenticate and verify the subscription, then print what was found."""
    _pull_source_or_exit(name)
    try:
        lines = check_source(name)
    except SourceNotConfigured as exc:
        raise click.UsageError(str(exc)) from exc
    except SourceUnavailable as exc:
        raise click.ClickException(f"{name}: {exc}") from exc
    for line in lines:
        click.echo(line)


@sources_group.command("poll")
@click.argument("name")
@with_appcontext
def poll_command(name: str) -> None:
    """Run one poll cycle now and print the counts."""
    _pull_source_or_exit(name)
    try:
        report = poll_source(name)
    except SourceNotConfigured as exc:
        raise click.UsageError(str(exc)) from exc
    except (SourceUnavailable, SourceBusy) as exc:
        raise click.ClickException(f"{name}: {exc}") from exc
    for note in report.notes:
        click.echo(f"{name}: {note}")
    click.echo(
        f"{name}: stored {report.stored} new event(s) from {report.batches} "
        f"batch(es); {report.duplicates} duplicate(s) skipped; "
        f"backlog {backlog(name)}"
    )


def _pull_source_or_exit(name: str) -> PullSource:
    source = get_source(name)
    if source is None:
        raise click.UsageError(f"no source called {name!r}")
    if not isinstance(source, PullSource):
        raise click.UsageError(
            f"{name} is push-only: it sends webhooks, nothing to poll"
        )
    return source


def _describe(source: Any) -> dict[str, Any]:
    config = current_app.config
    kinds = [
        kind
        for kind, cls in (("push", WebhookSource), ("pull", PullSource))
        if isinstance(source, cls)
    ]
    if isinstance(source, PullSource):
        configured = not source.missing_settings(config)
    else:
        configured = bool(config.get(getattr(source, "secrets_setting", ""), ()))
    state = db.session.get(SourceState, source.name)
    return {
        "name": source.name,
        "kinds": kinds,
        "configured": configured,
        "state": state.connection if state else "new",
        "last_poll_at": _iso(state.last_poll_at if state else None),
        "last_good_poll_at": _iso(state.last_good_poll_at if state else None),
        "last_result": state.last_result if state else None,
        "last_error": state.last_error if state else None,
        "backlog": backlog(source.name),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def start_polling(app: Flask, stop: threading.Event) -> threading.Thread | None:
    """Poll configured sources every SOURCES_POLL_INTERVAL s in the background."""
    interval = app.config["SOURCES_POLL_INTERVAL"]
    if not interval:
        return None
    thread = threading.Thread(
        target=_poll_forever, args=(app, interval, stop), daemon=True, name="sources"
    )
    thread.start()
    return thread


def _poll_forever(app: Flask, interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        with app.app_context():
            try:
                poll_configured_sources()
            except Exception:
                log.exception("polling sources failed; trying again next interval")
            finally:
                db.session.remove()
