"""People: the recruiters of the firm and the candidates they place."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.types import UTCDateTime

if TYPE_CHECKING:
    from plugin.models.application import Application


class DigestFrequency(enum.StrEnum):
    """How often a recruiter's digest comes: each morning, or once a week."""

    DAILY = "daily"
    WEEKLY = "weekly"


class Recruiter(db.Model):  # type: ignore[name-defined]
    """A recruiter of the firm, created from events and known by email."""

    __tablename__ = "recruiters"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # A Slack-compatible incoming webhook for this recruiter's alerts (a secret).
    chat_webhook_url: Mapped[str | None] = mapped_column(String(500))
    digest_frequency: Mapped[str] = mapped_column(
        String(10), default=DigestFrequency.DAILY, server_default=DigestFrequency.DAILY
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    applications: Mapped[list[Application]] = relationship(back_populates="recruiter")

    @property
    def first_name(self) -> str | None:
        """The first word of the name the ATS gave, for a greeting."""
        words = (self.name or "").split()
        return words[0] if words else None


class Candidate(db.Model):  # type: ignore[name-defined]
    """A person looking for work; one candidate has many applications."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # A BCP 47 tag such as "es" or "en-US"; it picks the language of emails and pages.
    locale: Mapped[str | None] = mapped_column(String(35))
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person's data was erased; later events bring none of it back.
    forgotten_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Timestamp of the newest event applied, so an older one never overwrites it.
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    applications: Mapped[list[Application]] = relationship(back_populates="candidate")

    @property
    def display_name(self) -> str:
        """First and last name as known, else a neutral label with our id."""
        return candidate_display_name(self.id, self.first_name, self.last_name)


def candidate_display_name(
    candidate_id: int, first_name: str | None, last_name: str | None
) -> str:
    """A candidate's name from its columns, for lists that read columns, not rows."""
    name = " ".join(part for part in (first_name, last_name) if part)
    return name or f"Candidate {candidate_id}"
