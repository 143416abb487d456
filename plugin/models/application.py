"""An application (candidate x job x employer) and its interviews."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.types import UTCDateTime

if TYPE_CHECKING:
    from plugin.models.people import Candidate, Recruiter
    from plugin.models.touchpoint import Touchpoint


class ApplicationStatus(enum.StrEnum):
    """Where the employer's decision stands; only ACTIVE is coached."""

    ACTIVE = "active"
    OFFER_EXTENDED = "offer_extended"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class InterviewStatus(enum.StrEnum):
    """An interview's state as the ATS last told it."""

    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# Words in an interview's free-text location that mean it was not in person.
REMOTE_LOCATION_WORDS = (
    "remote",
    "video",
    "phone",
    "virtual",
    "zoom",
    "teams",
    "meet",
    "webex",
    "call",
    "online",
)


class Application(db.Model):  # type: ignore[name-defined]
    """One candidate's application to one job at one employer."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    recruiter_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiters.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.ACTIVE)
    job_title: Mapped[str | None] = mapped_column(String(300))
    employer_name: Mapped[str | None] = mapped_column(String(300))
    employer_timezone: Mapped[str | None] = mapped_column(String(64))
    employer_mailing_address: Mapped[str | None] = mapped_column(String(500))
    hiring_manager_name: Mapped[str | None] = mapped_column(String(200))
    hiring_manager_email: Mapped[str | None] = mapped_column(String(320))
    hiring_manager_ok_to_call: Mapped[bool | None] = mapped_column(Boolean)
    decision_deadline: Mapped[date | None] = mapped_column(Date)
    decision_deadline_source: Mapped[str | None] = mapped_column(String(40))
    # The candidate's own controls; each is per application.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heard_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heard_back_outcome: Mapped[str | None] = mapped_column(String(30))
    emails_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the ATS says the employer decided (the decision event's timestamp);
    # cleared when the decision is undone. The outcomes page measures from it.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    recruiter: Mapped[Recruiter | None] = relationship(back_populates="applications")
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="application", order_by="Interview.starts_at"
    )
    competing_offers: Mapped[list[CompetingOffer]] = relationship(
        back_populates="application", order_by="CompetingOffer.reported_at"
    )
    # Read-only: the delivery job loads an email's sibling steps with it, in its one
    # locked query. Planning writes touchpoints through `Touchpoint.application`.
    touchpoints: Mapped[list[Touchpoint]] = relationship(
        viewonly=True, order_by="Touchpoint.id"
    )

    @property
    def is_active(self) -> bool:
        """True while no decision has been made."""
        return self.status == ApplicationStatus.ACTIVE

    @property
    def role_label(self) -> str:
        """The role as a table cell reads it: "Payroll Specialist, Acme Logistics"."""
        parts = [part for part in (self.job_title, self.employer_name) if part]
        return ", ".join(parts) or "Role not given"

    def is_paused(self, at: datetime) -> bool:
        """True while a pause is in force at `at` (no end date: until resumed)."""
        if self.paused_at is None:
            return False
        return self.paused_until is None or self.paused_until > at


class Interview(db.Model):  # type: ignore[name-defined]
    """One interview slot; a cancelled one is kept so late events cannot revive it."""

    __tablename__ = "interviews"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=InterviewStatus.SCHEDULED)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The offset the ATS wrote the times in: a last hint at the candidate's zone.
    utc_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(300))
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    application: Mapped[Application] = relationship(back_populates="interviews")
    interviewers: Mapped[list[Interviewer]] = relationship(
        back_populates="interview",
        order_by="Interviewer.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_held(self) -> bool:
        """True when the interview counts toward a round (it was not cancelled)."""
        return self.status != InterviewStatus.CANCELLED and self.ends_at is not None

    @property
    def is_remote(self) -> bool:
        """True when the location reads as a call rather than an office visit."""
        place = (self.location or "").lower()
        return any(word in place for word in REMOTE_LOCATION_WORDS)


class Interviewer(db.Model):  # type: ignore[name-defined]
    """A person the candidate meets in an interview."""

    __tablename__ = "interviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))

    interview: Mapped[Interview] = relationship(back_populates="interviewers")


class CompetingOffer(db.Model):  # type: ignore[name-defined]
    """An offer from another employer, reported by the candidate."""

    __tablename__ = "competing_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    employer_name: Mapped[str | None] = mapped_column(String(300))
    offer_deadline: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    application: Mapped[Application] = relationship(back_populates="competing_offers")
