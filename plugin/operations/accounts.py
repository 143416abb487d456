"""Who is logged in: magic links for people, bearer tokens for programs.

A magic link is signed, expires after 15 minutes, works once, and at most five are
sent per person per hour. Recruiters see only their own candidates; admins see all.
A disabled user gets no link, cannot spend one, and their tokens are refused.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from itsdangerous import BadSignature
from sqlalchemy import Select, func, select, update

from plugin import clock
from plugin.extensions import db, rows_changed
from plugin.mail.links import serializer_for
from plugin.models import ApiToken, Application, LoginLink, Recruiter, User

LOGIN_PURPOSE = "login-link"
LOGIN_LIFETIME = timedelta(minutes=15)
LINKS_PER_HOUR = 5

View = TypeVar("View", bound=Callable[..., Any])


def find_user(email: str) -> User | None:
    """The user with this email (any case), if there is one."""
    return db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).one_or_none()


def create_user(email: str, is_admin: bool = False) -> User:
    """Add a user (or make an existing one admin); commit.

    An admin gets a recruiter record too: digests go to recruiters, and an admin's
    digest lists the applications no enabled recruiter looks after.
    """
    user = find_user(email) or User(email=email.strip().lower())
    user.is_admin = user.is_admin or is_admin
    db.session.add(user)
    if user.is_admin and recruiter_of(user) is None:
        db.session.add(Recruiter(email=user.email))
    db.session.commit()
    return user


def disabled_staff_emails() -> Select[tuple[str]]:
    """The lower-cased emails of disabled users, to compare recruiters against."""
    return select(func.lower(User.email)).where(User.disabled_at.is_not(None))


def is_disabled_recruiter(recruiter: Recruiter) -> bool:
    """True when the user sharing this recruiter's email is disabled."""
    user = find_user(recruiter.email)
    return user is not None and user.is_disabled


def is_enabled_admin(recruiter: Recruiter) -> bool:
    """True when this recruiter is also an admin who is not disabled."""
    user = find_user(recruiter.email)
    return user is not None and user.is_admin and not user.is_disabled


def enabled_admin_recruiter_ids() -> list[int]:
    """The recruiter records of the admins who are not disabled, in id order."""
    return list(
        db.session.scalars(
            select(Recruiter.id)
            .join(User, func.lower(User.email) == func.lower(Recruiter.email))
            .where(User.is_admin.is_(True), User.disabled_at.is_(None))
            .order_by(Recruiter.id)
        )
    )


def new_login_link(user: User) -> LoginLink | None:
    """A fresh magic link, or None when the user is disabled or at the hourly limit."""
    if user.is_disabled:
        return None
    recent = db.session.scalar(
        select(func.count())
        .select_from(LoginLink)
        .where(
            LoginLink.user_id == user.id,
            LoginLink.created_at > clock.now() - timedelta(hours=1),
        )
    )
    if (recent or 0) >= LINKS_PER_HOUR:
        return None
    link = LoginLink(user_id=user.id)
    db.session.add(link)
    db.session.commit()
    return link


def login_token(link_id: int) -> str:
    """The signed token for a magic link (made where the email is sent)."""
    return str(serializer_for(LOGIN_PURPOSE).dumps({"l": link_id}))


def use_login_link(token: str) -> User | None:
    """The user a valid, unused, unexpired link belongs to; the link is spent."""
    try:
        payload = serializer_for(LOGIN_PURPOSE).loads(
            token, max_age=int(LOGIN_LIFETIME.total_seconds())
        )
    except BadSignature:
        return None
    link_id = payload.get("l") if isinstance(payload, dict) else None
    if not isinstance(link_id, int):
        return None
    # One conditional UPDATE: of two clicks racing, exactly one wins.
    spent = rows_changed(
        update(LoginLink)
        .where(LoginLink.id == link_id, LoginLink.used_at.is_(None))
        .values(used_at=clock.now())
    )
    db.session.commit()
    if spent != 1:
        return None
    link = db.session.get(LoginLink, link_id)
    user = db.session.get(User, link.user_id) if link else None
    if user is not None and user.is_disabled:
        return None
    if user is not None:
        user.last_login_at = clock.now()
        db.session.commit()
    return user


def new_api_token(user: User, label: str | None = None) -> str:
    """A new personal API token; only its hash is kept, so show it once."""
    token = "fuc_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(token), label=label))
    db.session.commit()
    return token


def user_for_api_token(token: str) -> User | None:
    """The owner of a bearer token, if it is known and not revoked.

    The owner may be disabled: the caller refuses them with its own answer.
    """
    record = db.session.scalars(
        select(ApiToken).filter_by(token_hash=_hash(token), revoked_at=None)
    ).one_or_none()
    if record is None:
        return None
    record.last_used_at = clock.now()
    db.session.commit()
    return record.user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def visible_applications(user: User) -> Select[tuple[Application]]:
    """Applications this user may see: their own as a recruiter, or all as admin."""
    query = select(Application)
    if not user.is_admin:
        query = query.join(Recruiter, Application.recruiter_id == Recruiter.id).where(
            func.lower(Recruiter.email) == user.email.lower()
        )
    return query


def application_for_user(user: User, application_id: int) -> Application | None:
    """One application, only if the user may see it."""
    return db.session.scalars(
        visible_applications(user).where(Application.id == application_id)
    ).one_or_none()


def recruiter_of(user: User) -> Recruiter | None:
    """The recruiter record that shares this user's email, if any."""
    return db.session.scalars(
        select(Recruiter).where(func.lower(Recruiter.email) == user.email.lower())
    ).one_or_none()
