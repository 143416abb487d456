"""Builders of facts for the pure-core tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from plugin.cadence.steps import ApplicationFacts, InterviewFacts
from plugin.config.policy import Policy
from plugin.config.policy_file import policy_from_mapping

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
# Tuesday 1 Dec 2026, 14:00-15:00 in Chicago.
ROUND_ENDS = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
POLICY = Policy()


def facts(**changes: object) -> ApplicationFacts:
    """An active application with one onsite interview and a mailing address."""
    base = ApplicationFacts(
        status="active",
        candidate_zone=CHICAGO,
        employer_zone=CHICAGO,
        interviews=(InterviewFacts(1, ROUND_ENDS),),
        has_mailing_address=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def policy(**sections: dict[str, object]) -> Policy:
    """A policy with some sections changed, as a TOML file would."""
    return policy_from_mapping(sections)
