"""`followup users`: who can sign in, and their API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from plugin.config import firm_policy
from plugin.config.policy import chat_url_allowed
from plugin.extensions import db
from plugin.models import DigestFrequency, Recruiter
from plugin.operations.accounts import create_user, find_user, new_api_token
from plugin.operations.digest import set_digest_frequency


@click.group("users")
def users_group() -> None:
    """Dashboard users."""


@users_group.command("create-admin")
@click.argument("email")
@with_appcontext
def create_admin(email: str) -> None:
    """Make EMAIL an admin (the first user, usually); they sign in by magic link."""
    user = create_user(email, is_admin=True)
    click.echo(f"{user.email} is an admin. Sign in at /login.")


@users_group.command("create")
@click.argument("email")
@with_appcontext
def create(email: str) -> None:
    """Let a recruiter sign in; they see the applications assigned to EMAIL."""
    user = create_user(email)
    click.echo(f"{user.email} can sign in at /login.")


@users_group.command("create-token")
@click.argument("email")
@click.option("--label", help="What the token is for.")
@with_appcontext
def create_token(email: str, label: str | None) -> None:
    """Print a new API token for EMAIL (shown once: only its hash is kept)."""
    user = find_user(email)
    if user is None:
        raise click.BadParameter(f"no user {email}", param_hint="EMAIL")
    click.echo(new_api_token(user, label))


@users_group.command("set-chat")
@click.argument("email")
@click.argument("webhook_url")
@with_appcontext
def set_chat(email: str, webhook_url: str) -> None:
    """Send a recruiter's alerts to a Slack-compatible incoming webhook too."""

    allowed = firm_policy().alerts.chat_allowed_hosts
    if not chat_url_allowed(webhook_url, allowed):
        raise click.BadParameter(
            "must be https on one of alerts.chat_allowed_hosts",
            param_hint="WEBHOOK_URL",
        )
    recruiter = db.session.scalars(
        select(Recruiter).filter_by(email=email.strip().lower())
    ).one_or_none()
    if recruiter is None:
        raise click.BadParameter(f"no recruiter {email}", param_hint="EMAIL")
    recruiter.chat_webhook_url = webhook_url
    db.session.commit()
    click.echo(f"Alerts for {recruiter.email} now go to chat too.")


@users_group.command("set-digest")
@click.argument("email")
@click.argument("frequency")
@with_appcontext
def set_digest(email: str, frequency: str) -> None:
    """Send a recruiter's digest every morning (daily) or on Mondays (weekly)."""
    choice = frequency.strip().lower()
    if choice not in set(DigestFrequency):
        raise click.ClickException(
            f"FREQUENCY must be daily or weekly, not {frequency!r}"
        )
    recruiter = db.session.scalars(
        select(Recruiter).filter_by(email=email.strip().lower())
    ).one_or_none()
    if recruiter is None:
        raise click.ClickException(f"no recruiter with the email {email}")
    set_digest_frequency(recruiter, choice)
    click.echo(f"{recruiter.email} now gets a {choice} digest.")
