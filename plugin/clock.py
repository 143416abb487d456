"""The one clock every decision reads, so that `followup tick --at` can move it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen_at: ContextVar[datetime | None] = ContextVar("frozen_at", default=None)


def now() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    frozen = _frozen_at.get()
    return frozen if frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_at(instant: datetime) -> Iterator[datetime]:
    """Make `now()` return `instant` inside the block (and in jobs run inline)."""
    if instant.tzinfo is None:
        raise ValueError("the clock only takes aware datetimes")
    token = _frozen_at.set(instant.astimezone(UTC))
    try:
        yield instant
    finally:
        _frozen_at.reset(token)


@contextmanager
def as_of(queued_at: str | None) -> Iterator[datetime]:
    """Run a job at the later of the tick that queued it and now.

    A tick moved forward with `--at` hands its instant to the jobs it queues, so a
    worker acts as of that moment too; an ordinary tick's instant is already past.
    """
    instant = now()
    if queued_at:
        instant = max(instant, datetime.fromisoformat(queued_at))
    with frozen_at(instant):
        yield instant
