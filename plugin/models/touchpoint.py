"""Touchpoints: the coaching steps planned for an application, due at a time."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from .application import Application
from .types import UTCDateTime


class Step(enum.StrEnum):
    """The etiquette steps, in the order they happen."""

    THANK_YOU = "thank_you"


class TouchpointStatus(enum.StrEnum):
    """Life of a touchpoint: planned, then queued (an email exists), then done."""

    PLANNED = "planned"
    QUEUED = "queued"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class Touchpoint(db.Model):  # type: ignore[name-defined]
    """One step for one application (and round), with when it is due and why."""

    __tablename__ = "touchpoints"
    __table_args__ = (
        UniqueConstraint("application_id", "step", "round_date"),
        # Only planned rows are ever claimed: keep the claim index to those.
        Index(
            "ix_touchpoints_planned_due_at",
            "due_at",
            postgresql_where=text("status = 'planned'"),
            sqlite_where=text("status = 'planned'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    step: Mapped[str] = mapped_column(String(30))
    round_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=TouchpointStatus.PLANNED)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    application: Mapped[Application] = relationship()
