"""The `followup` command: a Flask CLI group (docs/operations.md).

Top-level verbs live in `verbs.py`; everything else is one group per noun.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import routes_command, shell_command

from plugin.cli.apps import create_cli_app
from plugin.cli.candidates import candidates_group
from plugin.cli.demo import demo_command
from plugin.cli.errors import FollowupGroup
from plugin.cli.events import events_group
from plugin.cli.jobs_process import run_jobs_command
from plugin.cli.outbox import outbox_group
from plugin.cli.preview import preview_command
from plugin.cli.sources import sources_group
from plugin.cli.suppressions import suppressions_group
from plugin.cli.templates import templates_group
from plugin.cli.users import users_group
from plugin.cli.verbs import (
    run_command,
    scheduler_command,
    tick_command,
    worker_command,
)


@click.group(
    cls=FollowupGroup,
    create_app=create_cli_app,
    add_default_commands=False,
    add_version_option=False,
)
@click.version_option(package_name="followup-coach", prog_name="followup")
def main() -> None:
    """Follow-Up Coach: post-interview coaching beside your ATS."""


main.add_command(shell_command)
main.add_command(routes_command)
# Found without building the whole app first: these build their own, smaller.
main.add_command(worker_command)
main.add_command(scheduler_command)
main.add_command(run_jobs_command)


def register(app: Flask) -> None:
    """Attach the service's commands to `app.cli` (so `test_cli_runner` sees them)."""
    for command in (
        run_command,
        run_jobs_command,
        worker_command,
        scheduler_command,
        tick_command,
        demo_command,
        preview_command,
        events_group,
        outbox_group,
        candidates_group,
        users_group,
        sources_group,
        suppressions_group,
        templates_group,
    ):
        app.cli.add_command(command)
