"""Where each polled source stands: cursor, connection state and the last poll."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin.extensions import db
from plugin.models.types import UTCDateTime


class ConnectionState(enum.StrEnum):
    """How the last contact with the vendor went."""

    NEW = "new"  # never polled
    CONNECTED = "connected"
    FAILING = "failing"


class SourceState(db.Model):  # type: ignore[name-defined]
    """One row per pull source; its lock serialises polls of that source."""

    __tablename__ = "source_states"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The adapter's own position (e.g. Bullhorn's last stored requestId).
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    connection: Mapped[str] = mapped_column(String(20), default=ConnectionState.NEW)
    # Set while a poll runs: a poll that finds it set, and older than the lease,
    # knows the previous one died between reading and storing.
    poll_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The previous poll failed after it may have read a batch: re-read it first.
    interrupted: Mapped[bool] = mapped_column(default=False)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_good_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(500))
    events_stored: Mapped[int] = mapped_column(Integer, default=0)
