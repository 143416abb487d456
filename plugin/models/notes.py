"""The candidate's own notes about each person they met, for their drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin import clock
from plugin.extensions import db
from plugin.models.application import Application
from plugin.models.types import UTCDateTime

DISCUSSED_MAX = 500
REINFORCE_MAX = 300


def person_key(name: str) -> str:
    """How a note finds its person again: the name, spaces folded, case ignored.

    Interviewer rows are replaced whenever the ATS resends an interview, so a note
    is tied to the person's name within the application, not to a row.
    """
    return " ".join(name.split()).casefold()[:200]


class InterviewerNote(db.Model):  # type: ignore[name-defined]
    """What the candidate discussed with one person, and one point to reinforce.

    The candidate's data: erased with them, purged after the retention period, and
    shown to their recruiter only when `shared_with_recruiter` is ticked.
    """

    __tablename__ = "interviewer_notes"
    __table_args__ = (UniqueConstraint("application_id", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    person_key: Mapped[str] = mapped_column(String(200))
    discussed: Mapped[str | None] = mapped_column(String(DISCUSSED_MAX))
    reinforce: Mapped[str | None] = mapped_column(String(REINFORCE_MAX))
    shared_with_recruiter: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )

    application: Mapped[Application] = relationship()
