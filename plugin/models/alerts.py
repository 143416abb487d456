"""The recruiter side: urgent alerts and the daily digest."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.application import Application, CompetingOffer
from plugin.models.people import Recruiter
from plugin.models.queued import QueuedWork
from plugin.models.types import UTCDateTime


class AlertStatus(enum.StrEnum):
    """Delivery state of an alert to a recruiter (as for candidate emails).

    FOR_DIGEST is news that waits for the recruiter's next digest, not a send.
    """

    FOR_DIGEST = "for_digest"
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    UNKNOWN = "unknown"
    FAILED = "failed"
    BOUNCED = "bounced"


class DigestStatus(enum.StrEnum):
    """Delivery state of a morning digest; EMPTY means there was nothing to say."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    EMPTY = "empty"
    UNKNOWN = "unknown"
    FAILED = "failed"
    BOUNCED = "bounced"


class Alert(QueuedWork, db.Model):  # type: ignore[name-defined]
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
    message_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chat_status: Mapped[str | None] = mapped_column(String(40))

    recruiter: Mapped[Recruiter] = relationship()
    application: Mapped[Application] = relationship()
    competing_offer: Mapped[CompetingOffer | None] = relationship()


class Digest(QueuedWork, db.Model):  # type: ignore[name-defined]
    """The morning digest of one recruiter for one local day: at most one."""

    __tablename__ = "digests"
    __table_args__ = (
        UniqueConstraint("recruiter_id", "local_date"),
        # The tick looks for pending and sending digests on every run; the table
        # keeps one row per recruiter and day, so it grows with history.
        Index("ix_digests_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    local_date: Mapped[date] = mapped_column(Date)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recruiter: Mapped[Recruiter] = relationship()


class DigestMention(db.Model):  # type: ignore[name-defined]
    """What a recruiter's digest last said about one application, for one reason.

    The digest compares today's facts with these rows: the same reason with the same
    facts is not news, and waits for the slower repeat rhythm.
    """

    __tablename__ = "digest_mentions"
    __table_args__ = (UniqueConstraint("recruiter_id", "application_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    # Ids and dates only (never names): what made this reason true when shown.
    facts: Mapped[str] = mapped_column(String(300))
    shown_on: Mapped[date] = mapped_column(Date)  # the digest's local day
