"""`followup templates`: the email and page templates, the firm's overrides included."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from plugin.operations.template_check import check_templates


@click.group("templates")
def templates_group() -> None:
    """Email and page templates (TEMPLATES_DIR overrides ours)."""


@templates_group.command("check")
@with_appcontext
def check_command() -> None:
    """Render every template in each language; list problems, exit 1 if any."""
    problems = check_templates(current_app)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise SystemExit(1)
    click.echo("templates: no problems")
