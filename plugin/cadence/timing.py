"""Time rules: whose clock a step follows, and the candidate's quiet hours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo


def candidate_zone(
    candidate_tz: str | None,
    employer_tz: str | None,
    interview_offsets_minutes: Iterable[int | None],
    firm_tz: str,
) -> tzinfo:
    """Pick the candidate's zone: own, else employer's, interview's, firm's."""
    for name in (candidate_tz, employer_tz):
        if name:
            return ZoneInfo(name)
    for offset in interview_offsets_minutes:
        if offset is not None:
            return timezone(timedelta(minutes=offset))
    return ZoneInfo(firm_tz)


def in_quiet_hours(instant: datetime, zone: tzinfo, start: time, end: time) -> bool:
    """True when `instant`, read on the local clock, falls between start and end."""
    local = instant.astimezone(zone).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def out_of_quiet_hours(
    instant: datetime, zone: tzinfo, start: time, end: time
) -> datetime:
    """Return `instant`, or the first moment after it when quiet hours have ended."""
    if not in_quiet_hours(instant, zone, start, end):
        return instant
    local = instant.astimezone(zone)
    wake_day = local.date()
    if start > end and local.time() >= start:
        wake_day += timedelta(days=1)  # the quiet spell crosses midnight
    wake = datetime.combine(wake_day, end, tzinfo=zone)
    return first_real_instant(wake).astimezone(instant.tzinfo)


def first_real_instant(local: datetime) -> datetime:
    """Move a wall-clock time that does not exist (a spring-forward gap) past it."""
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(
        tzinfo=None
    ):
        return local
    return as_utc.astimezone(local.tzinfo)
