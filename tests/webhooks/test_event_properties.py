"""Properties over generated events and bodies: refused at the door, or applied.

Every canonical event type, each optional part present, absent or null, and hostile
strings in every text field: the schema lets in only what can be stored; on
PostgreSQL, whatever gets a 202 is applied (or ignored) by the inbox job, never left
pending or failed. Hostile bodies, signed, never get a 500 from any webhook endpoint,
and a refused request changes nothing stored.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from marshmallow import ValidationError
from sqlalchemy import func, select

from plugin.extensions import db as handle
from plugin.models import InboxEvent, InboxStatus
from tests.support.event_strategies import canonical_events, encode, hostile_bodies
from tests.support.hypothesis_profiles import scaled
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR, LINE_BREAKS, iana_zone_names
from webhooks.schema import EventSchema

ENDPOINTS = ["/webhooks/standard", "/webhooks/standard/preview"]
# Fields whose text may reach an email header: one line only.
ONE_LINE = {"first_name", "last_name", "name", "email", "id", "timezone"}

needs_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL"
)


def check_storable(value: Any, key: str = "") -> None:
    """Everything a loaded event holds can be stored in PostgreSQL and planned with."""
    if isinstance(value, dict):
        for name, inner in value.items():
            check_storable(inner, str(name))
    elif isinstance(value, list):
        for inner in value:
            check_storable(inner, key)
    elif isinstance(value, str):
        value.encode("utf-8")  # no lone surrogates
        assert "\x00" not in value, key
        if key in ONE_LINE:
            assert LINE_BREAKS.isdisjoint(value), key
        if key == "timezone":
            assert value in iana_zone_names()
    elif isinstance(value, date | datetime):
        assert EARLIEST_YEAR <= value.year <= LATEST_YEAR, key
        if isinstance(value, datetime):
            assert value.utcoffset() is not None, key


@scaled(2)
@given(canonical_events())
def test_the_schema_lets_in_only_what_can_be_stored(candidate_event):
    try:
        loaded = EventSchema().load(candidate_event)
    except ValidationError as refused:
        assert refused.messages  # refused, naming at least one field
        return
    check_storable(loaded)


def table_counts() -> dict[str, int]:
    """Rows in every table, to see that a request stored nothing."""
    return {
        table.name: handle.session.scalar(select(func.count()).select_from(table))
        for table in handle.metadata.sorted_tables
    }


@pytest.mark.parametrize("path", ENDPOINTS)
@scaled(1)
@given(body=hostile_bodies())
def test_no_body_gets_a_500_and_a_refused_one_stores_nothing(
    db, post_event, path, body
):
    before = table_counts()

    response = post_event(None, body=body, path=path)

    event(f"answered {response.status_code}")
    assert response.status_code in (200, 202, 400, 413, 422), response.get_json()
    assert response.is_json
    if response.status_code >= 400 or path.endswith("/preview"):
        handle.session.rollback()
        assert table_counts() == before


@pytest.mark.postgres_only
@needs_postgres
@scaled(2)
@given(candidate_event=canonical_events(), escaped=st.booleans())
def test_an_accepted_event_is_applied_never_left_failing(
    db, post_event, run_jobs, candidate_event, escaped
):
    before = table_counts()

    response = post_event(None, body=encode(candidate_event, ascii_only=escaped))

    event(f"answered {response.status_code}")
    if response.status_code != 202:
        assert response.status_code in (400, 422), response.get_json()
        handle.session.rollback()
        assert table_counts() == before
        return
    run_jobs()
    handle.session.expire_all()
    row = handle.session.get(InboxEvent, response.get_json()["id"])
    event(f"inbox {row.status}")
    assert row.status in (InboxStatus.PROCESSED, InboxStatus.IGNORED), row.last_error
    assert row.attempts == 0
