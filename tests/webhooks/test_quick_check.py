"""The quick check never accepts what the schema refuses, and takes the plain event."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from tests.support.events import DELETE, interview_event
from webhooks.quick import surely_valid
from webhooks.schema import EVENT_TYPES
from webhooks.standard import EVENT_SCHEMA

# Values that sit on either side of some rule of the schema.
AWKWARD = [
    None,
    "",
    " ",
    " padded ",
    "plain",
    "two\nlines",
    "tab\there",
    "nul\x00",
    "surrogate \ud800",
    "\u2028",
    "x" * 200,
    "x" * 201,
    "x" * 300,
    "x" * 301,
    "x" * 321,
    "x" * 501,
    "  many   spaces  " * 20,
    0,
    1,
    -7,
    10**201,
    True,
    False,
    1.5,
    [],
    [{}],
    {},
    {"name": "Lee"},
    "yes",
    "true",
    "dana@example.org",
    "dana@",
    "a b@example.org",
    "x" * 310 + "@example.org",
    "America/Chicago",
    "America",
    "UTC",
    "es",
    "en-US",
    "english",
    "2026-12-08",
    "2026-02-30",
    "20261208",
    "1999-12-31",
    "2101-01-01",
    "2026-12-01T14:00:00-06:00",
    "2026-12-01T15:00:00-06:00",
    "2026-12-01T13:00:00-06:00",
    "2026-12-01T14:00:00",
    "2026-12-01T14:00:00Z",
    "2026-12-01 14:00:00+00:00",
    "2026-12-01T14:00:00.123456+05:30",
    "2026-12-01",
    "1999-12-31T23:00:00Z",
    "2100-12-31T23:30:00-01:00",
    "2101-01-01T00:00:00+01:00",
    *EVENT_TYPES,
    "interview.unknown",
    DELETE,
]


def _paths(value: Any, prefix: str = "") -> list[str]:
    """Every key's dotted path in the example, objects and leaves alike."""
    if not isinstance(value, dict):
        return []
    paths = []
    for key, child in value.items():
        path = f"{prefix}.{key}" if prefix else key
        paths.append(path)
        paths.extend(_paths(child, path))
    return paths


PATHS = _paths(interview_event()) + [
    "data.candidate.locale",
    "data.interview.interviewers",
    "data.application.recruiter.id",
    "data.unknown",
]


def _with(changes: list[tuple[str, Any]]) -> dict[str, Any]:
    event = interview_event()
    for path, value in changes:
        target: Any = event
        *parents, leaf = path.split(".")
        for key in parents:
            if not isinstance(target, dict) or not isinstance(target.get(key), dict):
                break
            target = target[key]
        else:
            if value is DELETE:
                target.pop(leaf, None)
            else:
                target[leaf] = copy.deepcopy(value)
    return event


def _schema_type(payload: Any) -> str | None:
    try:
        return str(EVENT_SCHEMA.load(payload)["type"])
    except ValidationError:
        return None


@settings(
    max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(AWKWARD)),
        min_size=1,
        max_size=4,
    )
)
def test_whatever_the_quick_check_accepts_the_schema_accepts(changes):
    payload = _with(changes)

    quick = surely_valid(payload)

    if quick is not None:
        assert _schema_type(payload) == quick


@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": st.text(max_size=210), "email": st.sampled_from(AWKWARD[:40])}
        ),
        max_size=3,
    ),
    st.text(max_size=310),
)
@settings(max_examples=300, deadline=None)
def test_any_text_the_quick_check_takes_the_schema_takes(interviewers, title):
    payload = interview_event(
        **{
            "data.interview.interviewers": interviewers,
            "data.application.job_title": title,
        }
    )

    quick = surely_valid(payload)

    if quick is not None:
        assert _schema_type(payload) == quick


@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_the_plain_event_of_every_type_passes_the_quick_check(kind):
    payload = interview_event(type=kind)

    assert surely_valid(payload) == kind == _schema_type(payload)


def test_an_event_with_no_interview_and_every_optional_field_null_passes():
    payload = interview_event(
        type="application.updated",
        **{
            "data.interview": None,
            "data.candidate.first_name": None,
            "data.candidate.email": None,
            "data.application.employer": None,
            "data.application.hiring_manager": None,
            "data.application.recruiter": None,
            "data.application.decision_deadline": None,
        },
    )

    assert surely_valid(payload) == "application.updated" == _schema_type(payload)


@pytest.mark.parametrize(
    "change",
    [
        {"data.interview.ends_at": "2026-12-01T13:00:00-06:00"},
        {"data.candidate.email": None},
        {"data.interview": None},
        {"timestamp": "2026-12-01T09:12:00"},
        {"data.application.recruiter.email": None},
        {"data.interview.interviewers": [{"name": ""}]},
    ],
)
def test_events_the_schema_refuses_are_left_to_the_schema(change):
    payload = interview_event(**change)

    assert surely_valid(payload) is None
    assert _schema_type(payload) is None
