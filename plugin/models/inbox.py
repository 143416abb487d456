"""The inbox: every webhook delivery, stored before anything acts on it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin import clock
from plugin.extensions import db
from plugin.models.types import UTCDateTime


class InboxStatus(enum.StrEnum):
    """Processing state of a stored delivery."""

    PENDING = "pending"
    PROCESSED = "processed"
    # Valid, but nothing to act on (its reason is in last_error); final, like PROCESSED.
    IGNORED = "ignored"
    FAILED = "failed"


class InboxEvent(db.Model):  # type: ignore[name-defined]
    """One delivery from a source, unique per (source, delivery id)."""

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("source", "delivery_id"),
        Index("ix_inbox_events_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    delivery_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(80))
    # Raw bytes as received; purged after the retention period, the row stays.
    raw_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=InboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, index=True
    )
    # The application the delivery concerned, once processed: erasure finds it so.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
