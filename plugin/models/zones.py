"""Whose clock a step follows: the candidate's zone, and the employer's."""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo

from plugin.cadence.timing import candidate_zone
from plugin.config.policy import Policy
from plugin.models.application import Application


def zone_of(application: Application, policy: Policy) -> tzinfo:
    """The candidate's zone: own, else employer's, else an interview's, else firm's."""
    return candidate_zone(
        application.candidate.timezone,
        application.employer_timezone,
        (i.utc_offset_minutes for i in application.interviews if i.is_held),
        policy.firm.timezone,
    )


def employer_zone_of(application: Application, policy: Policy) -> tzinfo:
    """The employer's zone, else the candidate's (the deadline is theirs)."""
    if application.employer_timezone:
        return ZoneInfo(application.employer_timezone)
    return zone_of(application, policy)
