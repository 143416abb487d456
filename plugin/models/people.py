"""People: the recruiters of the firm and the candidates they place."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.types import UTCDateTime

if TYPE_CHECKING:
    from plugin.models.application import Application


class Recruiter(db.Model):  # type: ignore[name-defined]
    """A recruiter of the firm, created from events and known by email."""

    __tablename__ = "recruiters"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # A Slack-compatible incoming webhook for this recruiter's alerts (a secret).
    chat_webhook_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    applications: Mapped[list[Application]] = relationship(back_populates="recruiter")


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
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or f"Candidate {self.id}"
