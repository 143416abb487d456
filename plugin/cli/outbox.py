"""`followup outbox`: outbound emails, and settling those with an unknown outcome."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import OPERATOR_ACTOR, EmailStatus, OutboundEmail
from plugin.operations.outbox import settle_unknown


@click.group("outbox")
def outbox_group() -> None:
    """Outbound emails."""


@outbox_group.command("list")
@click.option(
    "--unknown",
    is_flag=True,
    help="Only emails the mail server may or may not have accepted.",
)
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def list_emails(unknown: bool, limit: int) -> None:
    """List emails, newest first (ids only: no addresses or bodies)."""
    query = select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(limit)
    if unknown:
        query = query.where(OutboundEmail.status == EmailStatus.UNKNOWN)
    emails = db.session.scalars(query).all()
    if not emails:
        click.echo("No emails with an unknown outcome." if unknown else "No emails.")
    for email in emails:
        started = email.sending_started_at
        click.echo(
            f"{email.id:>6}  {email.status:<8} {email.template:<17} "
            f"application {email.application_id}  attempts {email.attempts}  "
            f"{f'started {started:%Y-%m-%d %H:%M}Z' if started else ''}"
            f"  {email.message_id or ''}".rstrip()
        )


@outbox_group.command("resolve")
@click.argument("email_id", type=int)
@click.option(
    "--as",
    "outcome",
    required=True,
    type=click.Choice(["sent", "not-sent"]),
    help="What the mail server's logs show.",
)
@with_appcontext
def resolve_email(email_id: int, outcome: str) -> None:
    """Settle an "unknown" email: it went out, or it did not (then it is retried)."""
    email = db.session.get(OutboundEmail, email_id)
    if email is None or email.status != EmailStatus.UNKNOWN:
        raise click.BadParameter(
            f"email {email_id} is not one with an unknown outcome",
            param_hint="EMAIL_ID",
        )
    settle_unknown(email, outcome == "sent", OPERATOR_ACTOR)
    click.echo(f"Email {email_id} settled as {outcome}.")
