"""What an operator does to users: list them, disable or enable one, revoke access.

Disabling suspends a user: no sign-in, their browser sessions end at the next
request, their API tokens are refused, and they get no alerts or digests; their
applications show as unassigned to admins. Enabling lifts all of that except the
sessions, which stay ended. Revoking is for good: a revoked token never works again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from plugin import clock
from plugin.extensions import db, rows_changed
from plugin.models import ApiToken, LoginLink, Recruiter, User
from plugin.operations.accounts import find_user


@dataclass(frozen=True)
class Revoked:
    """What one revocation ended: tokens by id and label, links, sessions."""

    tokens: list[tuple[int, str | None]]
    sign_in_links: int = 0
    sessions_ended: bool = False


def users_overview() -> list[dict[str, Any]]:
    """Every user, by email, with their tokens' ids and labels (never their values)."""
    users = db.session.scalars(
        select(User).options(selectinload(User.api_tokens)).order_by(User.email)
    ).all()
    return [_overview(user) for user in users]


def _overview(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "role": user.role,
        "disabled": user.is_disabled,
        "disabled_at": _iso(user.disabled_at),
        "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
        "api_tokens": [
            {
                "id": token.id,
                "label": token.label,
                "created_at": _iso(token.created_at),
                "last_used_at": _iso(token.last_used_at),
                "revoked_at": _iso(token.revoked_at),
            }
            for token in sorted(user.api_tokens, key=lambda t: t.id)
        ],
    }


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def user_to_disable(email: str) -> User | None:
    """The user with this email; for a recruiter who never had one, a new user.

    A recruiter known only from events gets alerts and digests all the same, so an
    operator must be able to disable them before they ever sign in.
    """
    user = find_user(email)
    if user is None:
        recruiter = db.session.scalars(
            select(Recruiter).where(
                func.lower(Recruiter.email) == email.strip().lower()
            )
        ).one_or_none()
        if recruiter is not None:
            user = User(email=recruiter.email)
            db.session.add(user)
    return user


def disable_user(user: User) -> bool:
    """Suspend the user and end their sessions and unused links; False if already."""
    if user.is_disabled:
        return False
    user.disabled_at = clock.now()
    db.session.flush()
    _end_sessions_and_links(user)
    db.session.commit()
    return True


def enable_user(user: User) -> bool:
    """Lift the suspension (sessions ended by it stay ended); False if not disabled."""
    if not user.is_disabled:
        return False
    user.disabled_at = None
    db.session.commit()
    return True


def revoke_newest_token(user: User, label: str | None = None) -> Revoked:
    """Revoke the user's newest live API token, or every live one with `label`."""
    query = select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
    )
    if label is None:
        query = query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()).limit(1)
    else:
        query = query.where(ApiToken.label == label).order_by(ApiToken.id)
    tokens = db.session.scalars(query).all()
    for token in tokens:
        token.revoked_at = clock.now()
    db.session.commit()
    return Revoked([(token.id, token.label) for token in tokens])


def revoke_everything(user: User) -> Revoked:
    """Revoke every token, unused sign-in link and browser session of the user."""
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    ).all()
    for token in tokens:
        token.revoked_at = clock.now()
    links = _end_sessions_and_links(user)
    db.session.commit()
    return Revoked([(token.id, token.label) for token in tokens], links, True)


def _end_sessions_and_links(user: User) -> int:
    """Spend the unused sign-in links; a new session version ends every session."""
    user.session_version = (user.session_version or 0) + 1
    return rows_changed(
        update(LoginLink)
        .where(LoginLink.user_id == user.id, LoginLink.used_at.is_(None))
        .values(used_at=clock.now())
    )
