"""The outbox: one row per email, committed before any SMTP traffic."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.application import Application
from plugin.models.queued import QueuedWork
from plugin.models.touchpoint import Touchpoint
from plugin.models.types import UTCDateTime


class EmailStatus(enum.StrEnum):
    """Delivery state. UNKNOWN means SMTP may have accepted it: never resent.

    BOUNCED means the recipient's server refused the address (a 5xx at RCPT TO):
    final, and the address is suppressed.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    UNKNOWN = "unknown"
    FAILED = "failed"
    BOUNCED = "bounced"
    SKIPPED = "skipped"


class OutboundEmail(QueuedWork, db.Model):  # type: ignore[name-defined]
    """An email to a candidate, from its creation to the SMTP server's answer."""

    __tablename__ = "outbound_emails"
    __table_args__ = (
        Index("ix_outbound_emails_status_next_attempt_at", "status", "next_attempt_at"),
        # Only bodies still held: the retention purge reads this, never the history.
        Index(
            "ix_outbound_emails_body_held_sending_started_at",
            "sending_started_at",
            postgresql_where=text("body_text IS NOT NULL"),
            sqlite_where=text("body_text IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a touchpoint can never own two emails, whatever races happen.
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoints.id"), unique=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    template: Mapped[str] = mapped_column(String(60))
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    application: Mapped[Application] = relationship()
    touchpoint: Mapped[Touchpoint | None] = relationship()
