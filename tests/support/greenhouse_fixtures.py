"""Shared Greenhouse test helpers: a seeded stand-in and a poll at a chosen time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from plugin import clock
from plugin.operations.sources import PollReport, poll_source
from tests.fakes.greenhouse_api import (
    GreenhouseState,
    greenhouse_settings,
    running_greenhouse,
    seed_panel,
)
from webhooks.greenhouse import GreenhouseSource, source

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@contextmanager
def seeded_greenhouse(
    settings: dict[str, Any], waits: list[float] | None = None
) -> Iterator[GreenhouseState]:
    """A running stand-in knowing the panel; `settings` point at it; no real waits."""
    waits = [] if waits is None else waits
    original = GreenhouseSource.sleep
    GreenhouseSource.sleep = staticmethod(waits.append)  # type: ignore[method-assign]
    with running_greenhouse() as state:
        seed_panel(state)
        settings.update(greenhouse_settings(state))
        try:
            yield state
        finally:
            source.forget_connections()
            GreenhouseSource.sleep = original  # type: ignore[method-assign]


def poll(at: Any = NOW) -> PollReport:
    """One poll cycle of Greenhouse at a moment of the test's choosing."""
    with clock.frozen_at(at):
        return poll_source("greenhouse")
