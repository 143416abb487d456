"""Touchpoints: the coaching steps planned for an application, and their timeline."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.cadence.steps import Step
from plugin.extensions import db
from plugin.models.application import Application
from plugin.models.staff import User
from plugin.models.types import UTCDateTime

__all__ = [
    "ATS_ACTOR",
    "CANDIDATE_ACTOR",
    "OPERATOR_ACTOR",
    "Actor",
    "ActorKind",
    "Step",
    "TimelineEntry",
    "TimelineKind",
    "Touchpoint",
    "TouchpointStatus",
]


class TouchpointStatus(enum.StrEnum):
    """Life of a touchpoint.

    PLANNED and CANCELLED belong to the planner, which may revive a cancelled step.
    QUEUED means an email exists; SENT, SKIPPED and DONE (the candidate did the
    step on their own and said so) are final.
    """

    PLANNED = "planned"
    QUEUED = "queued"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    DONE = "done"


class TimelineKind(enum.StrEnum):
    """What one line of an application's timeline records."""

    PLANNED = "planned"
    MOVED = "moved"
    CANCELLED = "cancelled"
    DEFERRED = "deferred"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNKNOWN = "unknown"
    RESOLVED = "resolved"
    DEADLINE = "deadline"
    REPORT = "report"
    DONE = "done"
    PAUSED = "paused"
    RESUMED = "resumed"
    STOPPED = "stopped"
    REASSIGNED = "reassigned"
    ERASED = "erased"
    DECISION = "decision"


class ActorKind(enum.StrEnum):
    """Who did what a timeline line records; lines without one are the planner's."""

    RECRUITER = "recruiter"
    ADMIN = "admin"
    CANDIDATE = "candidate"
    ATS = "ats"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Actor:
    """Who acted: a kind, and for staff the user."""

    kind: ActorKind
    user_id: int | None = None

    @classmethod
    def staff(cls, user: User) -> Actor:
        """A signed-in user (dashboard) or a token's owner (API)."""
        kind = ActorKind.ADMIN if user.is_admin else ActorKind.RECRUITER
        return cls(kind, user.id)

    @property
    def noun(self) -> str:
        """How a timeline sentence names the actor: "the recruiter"."""
        return "the ATS" if self.kind == ActorKind.ATS else f"the {self.kind}"


CANDIDATE_ACTOR = Actor(ActorKind.CANDIDATE)
ATS_ACTOR = Actor(ActorKind.ATS)
OPERATOR_ACTOR = Actor(ActorKind.OPERATOR)


class Touchpoint(db.Model):  # type: ignore[name-defined]
    """One step for one application and slot (a round's date, or the application)."""

    __tablename__ = "touchpoints"
    __table_args__ = (
        UniqueConstraint("application_id", "step", "slot"),
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
    slot: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=TouchpointStatus.PLANNED)
    # The ideal time (staleness counts from it), and when it may be attempted.
    planned_for: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    application: Mapped[Application] = relationship()


class TimelineEntry(db.Model):  # type: ignore[name-defined]
    """One thing that happened to an application's plan, with its reason."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    kind: Mapped[str] = mapped_column(String(20))  # a TimelineKind
    step: Mapped[str | None] = mapped_column(String(30))
    slot: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)
    actor_kind: Mapped[str | None] = mapped_column(String(20))  # an ActorKind
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Set through these, an entry may name rows not yet flushed: one flush then
    # writes the rows and their timeline together.
    application: Mapped[Application] = relationship()
    touchpoint: Mapped[Touchpoint | None] = relationship()
