"""Reading the policy file strictly: a bad key stops the start, named."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from zoneinfo import available_timezones

from plugin.config.policy import (
    LANGUAGES,
    ROUTING_MODES,
    SALUTATIONS,
    Policy,
    PolicyError,
    chat_url_allowed,
    is_hex_colour,
    is_logo_url,
)
from plugin.config.source_policy import BULLHORN_DECISIONS


def load_policy(path: str | Path | None) -> Policy:
    """Read and check the policy file; no path means all defaults."""
    if not path:
        return Policy()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(
            f"POLICY_FILE {path}: cannot be read ({exc.strerror})"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"POLICY_FILE {path}: not valid TOML ({exc})") from exc
    return policy_from_mapping(raw)


def policy_from_mapping(raw: Mapping[str, Any]) -> Policy:
    """Build a Policy from parsed TOML, naming the first bad key."""
    policy = _build(Policy, raw, prefix="")
    _check_rules(policy)
    return policy


# (key, test, message): limits that types alone do not express.
_RULES: tuple[tuple[str, Any, str], ...] = (
    ("firm.timezone", lambda p: _is_zone(p.firm.timezone), "unknown time zone"),
    (
        "firm.language",
        lambda p: p.firm.language in LANGUAGES,
        "must be one of " + ", ".join(LANGUAGES),
    ),
    (
        "branding.colour",
        lambda p: is_hex_colour(p.branding.colour),
        'must be a colour such as "#1f5fa8" (#RRGGBB)',
    ),
    (
        "branding.logo_url",
        lambda p: not p.branding.logo_url or is_logo_url(p.branding.logo_url),
        "must be an https URL",
    ),
    (
        "routing.mode",
        lambda p: p.routing.mode in ROUTING_MODES,
        "must be one of " + ", ".join(ROUTING_MODES),
    ),
    (
        "drafts.salutation",
        lambda p: p.drafts.salutation in SALUTATIONS,
        "must be one of " + ", ".join(SALUTATIONS),
    ),
    ("spacing.min_hours", lambda p: p.spacing.min_hours >= 0, "must be zero or more"),
    (
        "thank_you.delay_minutes",
        lambda p: p.thank_you.delay_minutes >= 0,
        "must be zero or more",
    ),
    (
        "thank_you.stale_after_hours",
        lambda p: p.thank_you.stale_after_hours > 0,
        "must be more than zero",
    ),
    (
        "handwritten_note.delay_hours",
        lambda p: p.handwritten_note.delay_hours >= 0,
        "must be zero or more",
    ),
    (
        "handwritten_note.post_within_days",
        lambda p: p.handwritten_note.post_within_days > 0,
        "must be more than zero",
    ),
    (
        "handwritten_note.stale_after_hours",
        lambda p: p.handwritten_note.stale_after_hours > 0,
        "must be more than zero",
    ),
    (
        "check_in.days_after_deadline",
        lambda p: p.check_in.days_after_deadline >= 3,
        "must be at least 3: a check-in never comes sooner",
    ),
    (
        "check_in.default_deadline_days",
        lambda p: p.check_in.default_deadline_days > 0,
        "must be more than zero",
    ),
    (
        "check_in.stale_after_hours",
        lambda p: p.check_in.stale_after_hours > 0,
        "must be more than zero",
    ),
    (
        "move_on.days_after_check_in",
        lambda p: p.move_on.days_after_check_in > 0,
        "must be more than zero",
    ),
    (
        "move_on.stale_after_hours",
        lambda p: p.move_on.stale_after_hours > 0,
        "must be more than zero",
    ),
    (
        "business_days.weekdays",
        lambda p: (
            bool(p.business_days.weekdays)
            and set(p.business_days.weekdays) <= set(range(1, 8))
        ),
        "must list ISO weekdays, 1 (Monday) to 7 (Sunday)",
    ),
    ("retention.days", lambda p: p.retention.days > 0, "must be more than zero"),
    (
        "alerts.chat_webhook_url",
        lambda p: (
            not p.alerts.chat_webhook_url
            or chat_url_allowed(p.alerts.chat_webhook_url, p.alerts.chat_allowed_hosts)
        ),
        "must be an https URL on one of alerts.chat_allowed_hosts",
    ),
    (
        "alerts.repeat_window_hours",
        lambda p: p.alerts.repeat_window_hours > 0,
        "must be more than zero",
    ),
    (
        "digest.no_news_days",
        lambda p: p.digest.no_news_days > 0,
        "must be more than zero",
    ),
    (
        "digest.repeat_unchanged_after_days",
        lambda p: p.digest.repeat_unchanged_after_days > 0,
        "must be more than zero",
    ),
    (
        "sources.bullhorn.interview_types",
        lambda p: all(t.strip() for t in p.sources.bullhorn.interview_types),
        "must list appointment types, none of them empty",
    ),
    (
        "sources.bullhorn.statuses",
        lambda p: set(p.sources.bullhorn.statuses.values()) <= set(BULLHORN_DECISIONS),
        "each status must map to one of " + ", ".join(BULLHORN_DECISIONS),
    ),
    (
        "sources.greenhouse.timezone",
        lambda p: (
            not p.sources.greenhouse.timezone or _is_zone(p.sources.greenhouse.timezone)
        ),
        "unknown time zone",
    ),
)


def _check_rules(policy: Policy) -> None:
    for key, test, message in _RULES:
        if not test(policy):
            raise PolicyError(f"{key}: {message}")


def _build(cls: type, raw: Any, prefix: str) -> Any:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{prefix.rstrip('.')}: must be a table")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise PolicyError(f"{prefix}{key}: unknown key")
    values = {
        name: _convert(hints[name], value, f"{prefix}{name}")
        for name, value in raw.items()
    }
    return cls(**values)


def _convert(kind: Any, value: Any, key: str) -> Any:
    if isinstance(kind, type) and is_dataclass(kind):
        return _build(kind, value, prefix=f"{key}.")
    if get_origin(kind) is dict:
        return _convert_table(get_args(kind)[1], value, key)
    if get_origin(kind) is tuple:
        if not isinstance(value, list):
            raise PolicyError(f"{key}: must be a list")
        item_kind = get_args(kind)[0]
        return tuple(
            _convert(item_kind, item, f"{key}[{n}]") for n, item in enumerate(value)
        )
    if kind is time:
        return _parse_clock_time(value, key)
    if kind is date:
        return _parse_date(value, key)
    # bool is an int in Python; a policy that says `delay_minutes = true` is a mistake.
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise PolicyError(f"{key}: must be a whole number")
    if kind is str and not isinstance(value, str):
        raise PolicyError(f"{key}: must be a string")
    if kind is bool and not isinstance(value, bool):
        raise PolicyError(f"{key}: must be true or false")
    return value


def _convert_table(value_kind: Any, value: Any, key: str) -> dict[str, Any]:
    """A free-keyed table, such as a status map; each value is checked."""
    if not isinstance(value, Mapping):
        raise PolicyError(f"{key}: must be a table")
    return {
        str(name): _convert(value_kind, item, f'{key}."{name}"')
        for name, item in value.items()
    }


def _parse_clock_time(value: Any, key: str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise PolicyError(f'{key}: must be a time of day such as "21:00"')


def _parse_date(value: Any, key: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PolicyError(f"{key}: must be a date such as 2026-12-25")


def _is_zone(name: str) -> bool:
    # The tz database's own list: a folder such as "America" is not a zone.
    return name in available_timezones()
