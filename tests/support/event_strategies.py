"""Hypothesis strategies for canonical events and hostile webhook bodies.

`canonical_events()` draws events of every type, each optional part present, absent
or null, and then puts hostile values into a few fields: any text field may get NUL,
a lone surrogate, a line break, right-to-left text, emoji or sheer length; zones and
times get names and years that are not in the tz database or the accepted range.
`mutated_events()` breaks structure too; `hostile_bodies()` adds JSON shapes no
sender should send.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from webhooks.schema import EVENT_TYPES

# Each has broken a real service: NUL (PostgreSQL text), lone surrogates (UTF-8),
# line breaks (email headers), right-to-left overrides, astral emoji, sheer length.
HOSTILE_STRINGS = (
    "\x00",
    "Dana\x00Okafor",
    "\ud800",
    "\udfff tail",
    "Dana\r\nBcc: everyone@example.org",
    "two\nlines",
    "\u2028",
    "\u202eevil.exe",
    "عبد الله",
    "😀🎉👩‍💻",
    "\t",
    " ",
    "",
    "x" * 201,
    "é" * 5000,
)
VALID_ZONES = ("America/Chicago", "Europe/Berlin", "Asia/Kolkata", "UTC", "Etc/GMT+5")
BAD_ZONES = ("America", "Etc", "x" * 300, "../../etc/passwd", "Mars/Base", "UTC\x00")
NEAR = datetime(2025, 1, 1)
CALENDAR_ENDS = (1, 2, 1999, 2101, 9998)
TIME_KEYS = ("starts_at", "ends_at", "timestamp", "decision_deadline")

# Storable text: letters, digits, punctuation, spaces, symbols (emoji), marks (RTL).
plain_text = st.text(
    st.characters(categories=["L", "N", "P", "Zs", "S", "M"]), max_size=30
)


def hostile_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """A hostile string, alone or inside ordinary text."""
    hostile = st.sampled_from(HOSTILE_STRINGS)
    around = st.text(max_size=max_size)
    return hostile | st.builds(lambda a, b, c: a + b + c, around, hostile, around)


def _obj(
    required: dict[str, st.SearchStrategy[Any]],
    optional_fields: dict[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    """An object whose optional fields are each present, absent or null."""
    return st.fixed_dictionaries(
        required,
        optional={k: st.none() | v for k, v in optional_fields.items()},
    )


def ids(prefix: str) -> st.SearchStrategy[Any]:
    """Mostly a few shared ids (so that events meet), sometimes any id at all."""
    return st.one_of(
        st.sampled_from([f"{prefix}-1", f"{prefix}-2", 3]),
        st.integers(min_value=-(10**30), max_value=10**30),
        plain_text.filter(str.strip),
    )


def emails() -> st.SearchStrategy[str]:
    """Addresses, international ones too."""
    return st.sampled_from(
        [
            "dana@example.org",
            "sam@staffing.example",
            "lee@acme.test",
            "dänä@exämple.org",
            "δοκιμή@παράδειγμα.δοκιμή",
        ]
    )


def instants(in_range: bool = True) -> st.SearchStrategy[datetime]:
    """An aware date-time near 2026, or (not `in_range`) at the ends of the calendar."""
    if in_range:
        moments = st.integers(0, 3 * 366 * 24 * 60).map(
            lambda minutes: NEAR + timedelta(minutes=minutes)
        )
    else:
        moments = st.sampled_from(CALENDAR_ENDS).map(lambda y: datetime(y, 6, 15, 12))
    offsets = st.integers(-14 * 60, 14 * 60).map(
        lambda m: timezone(timedelta(minutes=m))
    )
    return st.builds(lambda at, zone: at.replace(tzinfo=zone), moments, offsets)


@st.composite
def interviews(draw: st.DrawFn, timed: bool) -> dict[str, Any]:
    """An interview part; `timed` ones have both times, mostly in order."""
    interview: dict[str, Any] = {"id": draw(ids("i"))}
    if timed:
        starts = draw(instants())
        length = draw(st.sampled_from([1, 1, 1, 2, 8, 0, -24]))
        interview["starts_at"] = starts.isoformat()
        interview["ends_at"] = (starts + timedelta(hours=length)).isoformat()
    person = _obj(
        {"name": plain_text.filter(str.strip)}, {"email": emails(), "title": plain_text}
    )
    extras = _obj(
        {}, {"location": plain_text, "interviewers": st.lists(person, max_size=3)}
    )
    return {**interview, **draw(extras)}


def _application() -> st.SearchStrategy[dict[str, Any]]:
    zones = st.sampled_from(VALID_ZONES)
    return _obj(
        {"id": ids("a")},
        {
            "job_title": plain_text,
            "decision_deadline": instants().map(lambda at: at.date().isoformat()),
            "employer": _obj(
                {},
                {"name": plain_text, "timezone": zones, "mailing_address": plain_text},
            ),
            "hiring_manager": _obj(
                {}, {"name": plain_text, "email": emails(), "ok_to_call": st.booleans()}
            ),
            "recruiter": _obj(
                {"email": emails()},
                {"id": ids("r"), "name": plain_text, "timezone": zones},
            ),
        },
    )


@st.composite
def valid_events(draw: st.DrawFn) -> dict[str, Any]:
    """A canonical event of any type; every optional part present, absent or null."""
    kind = draw(st.sampled_from(EVENT_TYPES))
    scheduling = kind in ("interview.scheduled", "interview.rescheduled")
    candidate = draw(
        _obj(
            {"id": ids("c"), **({"email": emails()} if scheduling else {})},
            {
                "first_name": plain_text,
                "last_name": plain_text,
                "timezone": st.sampled_from(VALID_ZONES),
                "locale": st.sampled_from(["es", "en-US", "zz"]),
                **({} if scheduling else {"email": emails()}),
            },
        )
    )
    data: dict[str, Any] = {"candidate": candidate, "application": draw(_application())}
    interview = draw(st.sampled_from(["present", "absent", "null"]))
    if kind.startswith("interview.") or interview == "present":
        data["interview"] = draw(interviews(timed=scheduling or draw(st.booleans())))
    elif interview == "null":
        data["interview"] = None
    return {"type": kind, "timestamp": draw(instants()).isoformat(), "data": data}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every value inside a JSON document (containers and leaves)."""
    found = [path] if path else []
    if isinstance(value, dict):
        pairs: Any = value.items()
    elif isinstance(value, list):
        pairs = enumerate(value)
    else:
        pairs = ()
    for key, inner in pairs:
        found.extend(_leaves(inner, (*path, key)))
    return found


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    *parents, leaf = path
    target: Any = document
    for key in parents:
        target = target[key]
    if value is _DELETE:
        if isinstance(target, dict):
            del target[leaf]
    else:
        target[leaf] = value


_DELETE = object()


def _hostile_for(path: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """A value that a field of this kind must not let in (or must handle)."""
    key = path[-1]
    if key == "timezone":
        return st.sampled_from(BAD_ZONES)
    if key in TIME_KEYS:
        out = instants(in_range=False)
        if key == "decision_deadline":
            return out.map(lambda at: at.date().isoformat())
        return out.map(datetime.isoformat)
    return hostile_text()


@st.composite
def canonical_events(draw: st.DrawFn, max_hostile: int = 2) -> dict[str, Any]:
    """A valid event with up to `max_hostile` text, zone or time fields made hostile."""
    event = draw(valid_events())
    fields = [
        p
        for p in _leaves(event)
        if isinstance(_value(event, p), str) and p[0] != "type"
    ]
    for _ in range(draw(st.integers(0, max_hostile))):
        path = draw(st.sampled_from(fields))
        _set(event, path, draw(_hostile_for(path)))
    return event


def _value(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, small."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | hostile_text()
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )


@st.composite
def mutated_events(draw: st.DrawFn, max_mutations: int = 2) -> dict[str, Any]:
    """A canonical event with a few values deleted or replaced by any JSON at all."""
    event = draw(canonical_events())
    for _ in range(draw(st.integers(min_value=0, max_value=max_mutations))):
        paths = _leaves(event)
        if not paths:  # everything was deleted already
            break
        path = draw(st.sampled_from(paths))
        _set(event, path, draw(st.just(_DELETE) | json_values()))
    return event


def encode(document: Any, ascii_only: bool) -> bytes:
    """JSON bytes; lone surrogates become `\\ud800` escapes, or invalid UTF-8."""
    text = json.dumps(document, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


PARSER_TRAPS = (
    _nested(10_000),
    b'{"type": ' * 5_000 + b"1" + b"}" * 5_000,
    b'{"type": "interview.scheduled", "data": ' + _nested(990) + b"}",
    b"9" * 5_000,
    b'{"data": {"candidate": {"id": ' + b"7" * 5_000 + b"}}}",
    b"NaN",
    b'{"timestamp": Infinity}',
    b"",
    b"\xff\xfe",
    b'"\\ud800"',
    b'{"type": "application.hired", "type": null}',
)


def hostile_bodies() -> st.SearchStrategy[bytes]:
    """Bytes a webhook may receive: mutated events and shapes meant to break parsers."""
    events = st.builds(encode, canonical_events() | mutated_events(), st.booleans())
    shapes = st.one_of(
        st.sampled_from(PARSER_TRAPS),
        st.builds(encode, json_values(), st.booleans()),
        st.binary(max_size=64),
    )
    return st.one_of(events, events, shapes)
