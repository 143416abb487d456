"""`followup preview`: the planned timeline of an application or an event."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

import click
from flask.cli import with_appcontext

from plugin.extensions import db
from plugin.models import Application
from plugin.operations.preview import preview_application, preview_event
from webhooks import PayloadError, push_source


@click.command("preview")
@click.option(
    "--application", "application_id", type=int, help="Our id of the application."
)
@click.option(
    "--event",
    "event_file",
    type=click.File("r"),
    help="A canonical event (JSON file, or - for stdin) to try without keeping.",
)
@click.option(
    "--source",
    default="standard",
    show_default=True,
    help="The source the event comes from.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def preview_command(
    application_id: int | None, event_file: TextIO | None, source: str, as_json: bool
) -> None:
    """Show every planned step in the candidate's and employer's time; send nothing."""
    if (application_id is None) == (event_file is None):
        raise click.UsageError("give exactly one of --application or --event")
    if application_id is not None:
        application = db.session.get(Application, application_id)
        if application is None:
            raise click.BadParameter(
                f"no application {application_id}", param_hint="--application"
            )
        previews = [preview_application(application)]
    else:
        assert event_file is not None
        previews = _preview_file(event_file, source)
    if as_json:
        click.echo(json.dumps(previews, indent=2))
        return
    for preview in previews:
        _print_table(preview)


def _preview_file(event_file: TextIO, source_name: str) -> list[dict[str, Any]]:
    source = push_source(source_name)
    if source is None:
        raise click.BadParameter(
            f"no source called {source_name!r}", param_hint="--source"
        )
    try:
        payload = json.load(event_file)
        source.validate(payload)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--event") from exc
    except PayloadError as exc:
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        raise click.BadParameter(fields, param_hint="--event") from exc
    return preview_event(source, payload)


def _print_table(preview: dict[str, Any]) -> None:
    app = preview["application"]
    click.echo(
        f"Application {app['source']}:{app['external_id']} ({app['status']}); "
        f"candidate in {preview['candidate_zone']}, "
        f"employer in {preview['employer_zone']}"
    )
    if preview["stopped_reason"]:
        click.echo(f"  No further steps: {preview['stopped_reason']}")
    for row in preview["steps"]:
        click.echo(
            f"  {row['status']:<9} {row['step']:<17} "
            f"{_short(row['due_candidate_local'])} (candidate)  "
            f"{_short(row['due_employer_local'])} (employer)  {row['reason']}"
        )
    for row in preview["declined"]:
        click.echo(f"  declined  {row['step']:<17} {row['reason']}")


def _short(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%a %d %b %H:%M")
