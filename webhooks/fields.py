"""Field types shared by the schemas: only what can be stored and applied gets in."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from marshmallow import ValidationError, fields

#: Every date and date-time in an event must fall in these years (docs/events.md).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

# What str.splitlines() breaks on: any of these would start a new header line.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def year_problem(value: date) -> str | None:
    """Why a date (or date-time) is outside the accepted years, if it is."""
    if EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return f"Must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}."


def text_problem(value: str, *, one_line: bool = False) -> str | None:
    """Why a string cannot be stored (or put in a header), if it cannot."""
    if "\x00" in value:
        return "Must not contain NUL characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Must not contain unpaired surrogates."
    if one_line and not LINE_BREAKS.isdisjoint(value):
        return "Must not contain line breaks."
    return None


class Text(fields.String):
    """Storable text, at most `max_length` characters.

    `one_line="refuse"` turns away line breaks (names, emails: they reach headers);
    `one_line="fold"` turns each run of whitespace into one space (titles, places).
    """

    def __init__(self, max_length: int, one_line: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.max_length, self.one_line = max_length, one_line

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        text = str(super()._deserialize(value, attr, data, **kwargs))
        problem = text_problem(text, one_line=self.one_line == "refuse")
        if problem:
            raise ValidationError(problem)
        if self.one_line == "fold":
            text = " ".join(text.split())
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than {self.max_length} characters.")
        return text


class EmailAddress(fields.Email):
    """An email address on one line, short enough to store (RFC 5321: 320)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        if isinstance(value, str):
            problem = text_problem(value, one_line=True)
            if problem:
                raise ValidationError(problem)
            if len(value) > 320:
                raise ValidationError("Longer than 320 characters.")
        return str(super()._deserialize(value, attr, data, **kwargs))


class ExternalId(fields.Field):
    """An ATS's own id: a non-empty string, or a whole number kept as text."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError("Must be a string or a whole number.")
        if isinstance(value, int) and abs(value) >= 10**200:
            # Checked before str(): Python refuses to print ints over 4,300 digits.
            raise ValidationError("Must be 1 to 200 characters.")
        text = str(value).strip()
        if not text or len(text) > 200:
            raise ValidationError("Must be 1 to 200 characters.")
        problem = text_problem(text, one_line=True)
        if problem:
            raise ValidationError(problem)
        return text


@cache
def iana_zone_names() -> frozenset[str]:
    """The zone names of the tz database (folders such as "America" are not zones)."""
    return frozenset(available_timezones())


# BCP 47 (RFC 5646) language tags in the common shape: language, then optional
# script, region and variants ("es", "en-US", "zh-Hant-TW", "de-CH-1996").
LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}"
    r"(-[A-Za-z]{4})?"
    r"(-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
LANGUAGE_TAG_MAX = 35


class LanguageTag(fields.String):
    """A BCP 47 language tag such as "es" or "en-US"; case is kept as sent."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        tag = str(super()._deserialize(value, attr, data, **kwargs))
        if len(tag) > LANGUAGE_TAG_MAX or not LANGUAGE_TAG.fullmatch(tag):
            raise ValidationError('Not a BCP 47 language tag such as "es" or "en-US".')
        return tag


class TimeZoneName(fields.String):
    """An IANA time zone name such as "America/Chicago"."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        name = super()._deserialize(value, attr, data, **kwargs)
        # A set lookup, never a file lookup: "America", "../x" or 300 characters
        # must not reach the file system that ZoneInfo reads.
        if name not in iana_zone_names():
            raise ValidationError("Not an IANA time zone name.")
        return str(name)


class EventDate(fields.Date):
    """A `YYYY-MM-DD` date in the accepted years."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> date:
        parsed: date = super()._deserialize(value, attr, data, **kwargs)
        problem = year_problem(parsed)
        if problem:
            raise ValidationError(problem)
        return parsed


class EventDateTime(fields.AwareDateTime):
    """An ISO 8601 date-time with an offset, in the accepted years."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> datetime:
        parsed: datetime = super()._deserialize(value, attr, data, **kwargs)
        problem = year_problem(parsed)
        if problem:
            raise ValidationError(problem)
        return parsed


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into {"data.interview.ends_at": [...]}."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, path))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": list(messages)}
    return {prefix or "_schema": [str(messages)]}
