"""Addresses we must not email, and final mail answers people must act on."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from plugin import clock
from plugin.extensions import db
from plugin.models.types import UTCDateTime


class Suppression(db.Model):  # type: ignore[name-defined]
    """A candidate address never emailed again, known only by its keyed hash.

    Keyed on the hash, not on a candidate, so it outlives `candidates forget`.
    """

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class MailProblemKind(enum.StrEnum):
    """What an operator or admin must fix: no email retries its way out of these."""

    # A staff address (alert, digest, sign-in link) was refused at RCPT TO.
    STAFF_BOUNCE = "staff_bounce"
    # Our own sender or login was refused: MAIL_FROM or SMTP_URL is wrong.
    CONFIGURATION = "configuration"


class MailProblem(db.Model):  # type: ignore[name-defined]
    """A final SMTP answer that people, not retries, must act on.

    Staff mail is never suppressed: admins see its bounces on the dashboard, and
    `/healthz` reports configuration errors.
    """

    __tablename__ = "mail_problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # alert, digest, sign-in link or candidate email
    mail_kind: Mapped[str] = mapped_column(String(30))
    # The staff address that bounced; never a candidate's.
    address: Mapped[str | None] = mapped_column(String(320))
    reply: Mapped[str] = mapped_column(String(500))
    happened_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, index=True
    )
