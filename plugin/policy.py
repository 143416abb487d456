"""The firm's policy: a TOML file (`POLICY_FILE`) checked strictly at start-up."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import time
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the bad key."""


@dataclass(frozen=True)
class FirmPolicy:
    """Who the emails come from; every candidate email carries name and address."""

    name: str = "Follow-Up Coach"
    postal_address: str = ""
    timezone: str = "America/New_York"
    reply_to: str = ""


@dataclass(frozen=True)
class ThankYouPolicy:
    """When the thank-you coaching goes out after a round ends."""

    delay_minutes: int = 60


@dataclass(frozen=True)
class QuietHoursPolicy:
    """Hours, in the candidate's zone, when no coaching email is sent."""

    start: time = time(21, 0)
    end: time = time(8, 0)


@dataclass(frozen=True)
class Policy:
    """Everything a firm can tune, with the documented defaults."""

    firm: FirmPolicy = field(default_factory=FirmPolicy)
    thank_you: ThankYouPolicy = field(default_factory=ThankYouPolicy)
    quiet_hours: QuietHoursPolicy = field(default_factory=QuietHoursPolicy)


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
    _check_zone("firm.timezone", policy.firm.timezone)
    if policy.thank_you.delay_minutes < 0:
        raise PolicyError("thank_you.delay_minutes: must be zero or more")
    return policy


def _build(cls: type, raw: Mapping[str, Any], prefix: str) -> Any:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{prefix.rstrip('.')}: must be a table")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise PolicyError(f"{prefix}{key}: unknown key")
    values = {}
    for name, value in raw.items():
        values[name] = _convert(hints[name], value, f"{prefix}{name}")
    return cls(**values)


def _convert(kind: Any, value: Any, key: str) -> Any:
    if isinstance(kind, type) and is_dataclass(kind):
        return _build(kind, value, prefix=f"{key}.")
    if kind is time:
        return _parse_clock_time(value, key)
    # bool is an int in Python; a policy that says `delay_minutes = true` is a mistake.
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise PolicyError(f"{key}: must be a whole number")
    if kind is str and not isinstance(value, str):
        raise PolicyError(f"{key}: must be a string")
    if kind is bool and not isinstance(value, bool):
        raise PolicyError(f"{key}: must be true or false")
    return value


def _parse_clock_time(value: Any, key: str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise PolicyError(f'{key}: must be a time of day such as "21:00"')


def _check_zone(key: str, name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PolicyError(f"{key}: unknown time zone {name!r}") from exc
