"""The people who log in: users, their sign-in links and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.types import UTCDateTime


class User(db.Model):  # type: ignore[name-defined]
    """Someone who logs in to the dashboard: a recruiter (by email) or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A disabled user cannot sign in or use the API, and gets no alerts or digests.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Each browser session carries the number it began with: raising it ends them all.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_disabled(self) -> bool:
        """True while an operator has this user disabled."""
        return self.disabled_at is not None

    @property
    def role(self) -> str:
        """ "admin" or "recruiter", as the timeline and `users list` name it."""
        return "admin" if self.is_admin else "recruiter"


class LoginLink(db.Model):  # type: ignore[name-defined]
    """A magic link sent by email; single use, short-lived, rate-limited."""

    __tablename__ = "login_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A personal API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept, not deleted, so `users list` can tell what was revoked and when.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="api_tokens")
