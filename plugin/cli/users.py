"""`followup users`: who can sign in, and their API tokens."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from plugin.config import firm_policy
from plugin.config.policy import chat_url_allowed
from plugin.extensions import db
from plugin.models import DigestFrequency, Recruiter, User
from plugin.operations.accounts import create_user, find_user, new_api_token
from plugin.operations.digest import set_digest_frequency
from plugin.operations.users import (
    Revoked,
    disable_user,
    enable_user,
    revoke_everything,
    revoke_newest_token,
    user_to_disable,
    users_overview,
)


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


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON list, for programs.")
@with_appcontext
def list_users(as_json: bool) -> None:
    """List users by email: role, state, last sign-in and live API tokens."""
    users = users_overview()
    if as_json:
        click.echo(json.dumps(users, indent=2))
        return
    if not users:
        click.echo("No users. Make the first admin with: followup users create-admin")
    for user in users:
        live = [t for t in user["api_tokens"] if t["revoked_at"] is None]
        last = (user["last_login_at"] or "never")[:16].replace("T", " ")
        click.echo(
            f"{user['email']:<40} {user['role']:<9} "
            f"{'disabled' if user['disabled'] else 'active':<8} "
            f"last sign-in {last:<16}  API tokens {len(live)}"
        )


@users_group.command("disable")
@click.argument("email")
@with_appcontext
def disable(email: str) -> None:
    """Stop EMAIL signing in or using the API; no alerts or digests for them."""
    user = user_to_disable(email)
    if user is None:
        raise click.ClickException(f"no user or recruiter {email}")
    if not disable_user(user):
        click.echo(f"{user.email} was already disabled.")
        return
    click.echo(
        f"{user.email} is disabled: sign-in, sessions and API tokens are refused, "
        "and their applications show as unassigned."
    )


@users_group.command("enable")
@click.argument("email")
@with_appcontext
def enable(email: str) -> None:
    """Let a disabled user sign in again; their API tokens work again."""
    user = _existing_user(email)
    if not enable_user(user):
        click.echo(f"{user.email} was not disabled.")
        return
    click.echo(f"{user.email} is enabled; they sign in again at /login.")


@users_group.command("revoke-token")
@click.argument("email")
@click.option("--label", help="Revoke every live token with this label instead.")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every API token, unused sign-in link and browser session of EMAIL.",
)
@with_appcontext
def revoke_token(email: str, label: str | None, everything: bool) -> None:
    """Revoke EMAIL's newest API token (or by --label, or --all access)."""
    user = _existing_user(email)
    if everything:
        _report(user, revoke_everything(user))
        return
    revoked = revoke_newest_token(user, label)
    if not revoked.tokens:
        which = f" labelled {label!r}" if label else ""
        raise click.ClickException(f"{user.email} has no live API token{which}")
    _report(user, revoked)


def _existing_user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


def _report(user: User, revoked: Revoked) -> None:
    for token_id, label in revoked.tokens:
        click.echo(f"Revoked API token {token_id}{f' ({label})' if label else ''}.")
    if revoked.sessions_ended:
        click.echo(
            f"{len(revoked.tokens)} API token(s) and {revoked.sign_in_links} unused "
            f"sign-in link(s) revoked; every session of {user.email} has ended."
        )


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
