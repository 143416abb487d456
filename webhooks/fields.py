"""Field types shared by the schemas."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError, fields


class ExternalId(fields.Field):
    """An ATS's own id: a non-empty string, or a whole number kept as text."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError("Must be a string or a whole number.")
        text = str(value).strip()
        if not text or len(text) > 200:
            raise ValidationError("Must be 1 to 200 characters.")
        return text


class TimeZoneName(fields.String):
    """An IANA time zone name such as "America/Chicago"."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        name = super()._deserialize(value, attr, data, **kwargs)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError("Not an IANA time zone name.") from exc
        return name


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
