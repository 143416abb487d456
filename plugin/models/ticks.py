"""When the tick last ran, so the web processes can tell whether work moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from plugin.extensions import db
from plugin.models.types import UTCDateTime

# The one row every tick writes; several schedulers share it.
TICK_ROW = "tick"


class TickRecord(db.Model):  # type: ignore[name-defined]
    """The instant of the last tick."""

    __tablename__ = "tick_records"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_tick_at: Mapped[datetime] = mapped_column(UTCDateTime)
