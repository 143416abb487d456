"""`followup suppressions`: candidate addresses that are never emailed again."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from plugin.operations.suppressions import (
    SUPPRESSION_REASONS,
    list_suppressions,
    suppress,
    unsuppress,
)


@click.group("suppressions")
def suppressions_group() -> None:
    """The suppression list (bounces, complaints, manual entries)."""


@suppressions_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """List entries, newest first: keyed hashes and reasons, never addresses."""
    entries = list_suppressions()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "address_hash": entry.address_hash,
                        "reason": entry.reason,
                        "created_at": entry.created_at.isoformat(),
                    }
                    for entry in entries
                ]
            )
        )
        return
    if not entries:
        click.echo("The suppression list is empty.")
    for entry in entries:
        click.echo(
            f"{entry.address_hash[:16]}  {entry.reason:<9} "
            f"{entry.created_at:%Y-%m-%d %H:%M}Z"
        )


@suppressions_group.command("add")
@click.argument("email")
@click.option(
    "--reason",
    type=click.Choice(SUPPRESSION_REASONS),
    default="manual",
    show_default=True,
)
@with_appcontext
def add_command(email: str, reason: str) -> None:
    """Never email EMAIL again."""
    try:
        added = suppress(email, reason)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    click.echo("Added to the suppression list." if added else "Already suppressed.")


@suppressions_group.command("remove")
@click.argument("email")
@with_appcontext
def remove_command(email: str) -> None:
    """Allow emails to EMAIL again."""
    try:
        removed = unsuppress(email)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    if not removed:
        raise click.ClickException("that address is not on the suppression list")
    click.echo("Removed from the suppression list.")
