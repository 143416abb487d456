"""The recruiter side: alerts, daily digests, and the people who log in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.application import Application, CompetingOffer
from plugin.models.people import Recruiter
from plugin.models.types import UTCDateTime


class AlertStatus(enum.StrEnum):
    """Delivery state of an alert to a recruiter."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Alert(db.Model):  # type: ignore[name-defined]
    """News a recruiter must hear: now (urgent) or in the next digest."""

    __tablename__ = "alerts"
    __table_args__ = (
        # One alert per recruiter for one reported offer, however often it is retried.
        UniqueConstraint(
            "recruiter_id", "application_id", "kind", "competing_offer_id"
        ),
        Index("ix_alerts_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    # competing_offer, heard_back, opted_out
    kind: Mapped[str] = mapped_column(String(30))
    competing_offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("competing_offers.id")
    )
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=AlertStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chat_status: Mapped[str | None] = mapped_column(String(40))

    recruiter: Mapped[Recruiter] = relationship()
    application: Mapped[Application] = relationship()
    competing_offer: Mapped[CompetingOffer | None] = relationship()


class Digest(db.Model):  # type: ignore[name-defined]
    """The morning digest of one recruiter for one local day: at most one."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("recruiter_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    local_date: Mapped[date] = mapped_column(Date)
    # sent, empty (nothing to say: no email), failed
    status: Mapped[str] = mapped_column(String(20))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    recruiter: Mapped[Recruiter] = relationship()


class User(db.Model):  # type: ignore[name-defined]
    """Someone who logs in to the dashboard: a recruiter (by email) or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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

    user: Mapped[User] = relationship()
