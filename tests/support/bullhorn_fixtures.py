"""Pieces the Bullhorn tests share: start the stand-in, poll, read what was stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from plugin import clock
from plugin.extensions import db
from plugin.models import Application, InboxEvent, Interview, SourceState
from plugin.operations.sources import PollReport, poll_source
from tests.fakes.bullhorn_api import BullhornState, running_bullhorn
from tests.support.bullhorn_world import (
    NOW,
    bullhorn_settings,
    ms,
    seed_panel,
    seed_people,
)
from webhooks.bullhorn import BullhornSource, source


@contextmanager
def seeded_bullhorn(
    settings: dict[str, Any], waits: list[float]
) -> Iterator[BullhornState]:
    """A running stand-in with one panel interview; `settings` point at it."""
    original = BullhornSource.sleep
    BullhornSource.sleep = staticmethod(waits.append)  # type: ignore[method-assign]
    with running_bullhorn() as state:
        state.now_ms = ms(NOW)
        seed_people(state)
        seed_panel(state)
        settings.update(bullhorn_settings(state))
        try:
            yield state
        finally:
            source.forget_connections()
            BullhornSource.sleep = original  # type: ignore[method-assign]


def poll(at: Any = NOW) -> PollReport:
    """One poll cycle at a moment of the test's choosing."""
    with clock.frozen_at(at):
        return poll_source("bullhorn")


def stored_bodies() -> list[dict[str, Any]]:
    """The raw Bullhorn events in the inbox, oldest first."""
    rows = db.session.scalars(
        select(InboxEvent).filter_by(source="bullhorn").order_by(InboxEvent.id)
    )
    return [json.loads(row.raw_body) for row in rows]


def the_application() -> Application:
    """The one Bullhorn application the tests build."""
    db.session.expire_all()
    return db.session.scalars(select(Application).filter_by(source="bullhorn")).one()


def the_interview() -> Interview:
    """The one Bullhorn interview the tests build."""
    db.session.expire_all()
    return db.session.scalars(select(Interview).filter_by(source="bullhorn")).one()


def state_row() -> SourceState:
    """Bullhorn's row in source_states."""
    db.session.expire_all()
    row = db.session.get(SourceState, "bullhorn")
    assert row is not None
    return row
