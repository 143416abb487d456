"""Greenhouse payloads and Harvest v3 records into canonical events (no I/O).

Webhook shapes: grnhse/greenhouse-api-docs `source/includes/webhooks/`
(`_candidate_events.md`, `_application_events.md`, `_interview_events.md`). Harvest
v3 shapes: harvestdocs.greenhouse.io ("Standardizations": date-times end in `_at`,
dates in `_on`; "List interviews": `all_day_start_on`/`all_day_end_on` for all-day
interviews); see tests/fakes/greenhouse_api.py for what is inferred.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# An all-day interview (a take-home, an assessment day) has dates only: it is
# coached as if it ran through the working day in the firm's zone.
ALL_DAY_STARTS = time(9, 0)
ALL_DAY_ENDS = time(17, 0)
# Harvest's interview status → our type; anything else is not coached.
INTERVIEW_TYPES = {
    "scheduled": "interview.scheduled",
    "awaiting_feedback": "interview.completed",
    "complete": "interview.completed",
}


def parse_time(value: Any) -> datetime:
    """An ISO 8601 date-time with `Z` or an offset; raise ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("no offset")
    return parsed


def zone_named(name: Any) -> tzinfo | None:
    """The IANA zone called `name`, or None."""
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def candidate_part(candidate: dict[str, Any]) -> dict[str, Any]:
    """Our candidate from Greenhouse's (webhook or Harvest): first email first."""
    part: dict[str, Any] = {"id": str(candidate["id"])}
    for name in ("first_name", "last_name"):
        if isinstance(candidate.get(name), str):
            part[name] = candidate[name]
    emails = [
        entry.get("value")
        for entry in candidate.get("email_addresses") or []
        if isinstance(entry, dict) and isinstance(entry.get("value"), str)
    ]
    if emails:
        part["email"] = emails[0]
    return part


def application_part(
    application: dict[str, Any], candidate: dict[str, Any], jobs: list[Any]
) -> dict[str, Any]:
    """Our application: its job's title and the candidate's recruiter, if named."""
    part: dict[str, Any] = {"id": str(application["id"])}
    titles = [job["name"] for job in jobs if isinstance(job, dict) and job.get("name")]
    if titles:
        part["job_title"] = titles[0]
    recruiter = candidate.get("recruiter")
    if isinstance(recruiter, dict) and recruiter.get("email"):
        part["recruiter"] = {
            "id": str(recruiter.get("id") or recruiter["email"]),
            "name": recruiter.get("name") or recruiter["email"],
            "email": recruiter["email"],
        }
    return part


def application_event(
    kind: str, application: dict[str, Any], stamp: str
) -> dict[str, Any]:
    """A decision (or an update) about an application a webhook carries whole."""
    candidate = application["candidate"]
    jobs = application.get("jobs") or [application.get("job")]
    return {
        "type": kind,
        "timestamp": stamp,
        "data": {
            "candidate": candidate_part(candidate),
            "application": application_part(application, candidate, jobs),
        },
    }


def decision_stamp(action: str, application: dict[str, Any]) -> str | None:
    """When the decision was made, as precisely as the payload says."""
    offer = application.get("offer")
    if action == "hire_candidate" and isinstance(offer, dict):
        if offer.get("resolved_at"):
            return str(offer["resolved_at"])
    if action == "reject_candidate" and application.get("rejected_at"):
        return str(application["rejected_at"])
    value = application.get("last_activity_at")
    return str(value) if value else None


def interview_event(
    interview: dict[str, Any],
    application: dict[str, Any],
    candidate: dict[str, Any],
    job: dict[str, Any] | None,
    firm_zone: tzinfo,
    fallback_stamp: str,
) -> dict[str, Any] | None:
    """One Harvest v3 interview with its application, candidate and job; or None."""
    kind = INTERVIEW_TYPES.get(str(interview.get("status")))
    times = interview_times(interview, firm_zone)
    if kind is None or times is None:
        return None
    starts, ends = times
    part: dict[str, Any] = {
        "id": str(interview["id"]),
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "interviewers": interviewers(interview.get("interviewers")),
    }
    where = interview.get("location") or interview.get("video_conferencing_url")
    if isinstance(where, str) and where:
        part["location"] = where
    return {
        "type": kind,
        "timestamp": str(interview.get("updated_at") or fallback_stamp),
        "data": {
            "candidate": candidate_part(candidate),
            "application": application_part(application, candidate, [job]),
            "interview": part,
        },
    }


def interview_times(
    interview: dict[str, Any], firm_zone: tzinfo
) -> tuple[datetime, datetime] | None:
    """Start and end: date-times in UTC, or the working day of an all-day one."""
    if interview.get("start_at") and interview.get("end_at"):
        # UTC from Harvest; shown in the zone the firm chose for Greenhouse.
        starts = parse_time(interview["start_at"]).astimezone(firm_zone)
        return starts, parse_time(interview["end_at"]).astimezone(firm_zone)
    first, last = interview.get("all_day_start_on"), interview.get("all_day_end_on")
    if not first:
        return None
    start_day = date.fromisoformat(first)
    end_day = date.fromisoformat(last) if last else start_day
    return (
        datetime.combine(start_day, ALL_DAY_STARTS, firm_zone),
        datetime.combine(end_day, ALL_DAY_ENDS, firm_zone),
    )


def interviewers(people: Any) -> list[dict[str, Any]]:
    """Each interviewer with a name or email; Harvest gives both."""
    found = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        entry = {k: person[k] for k in ("name", "email") if person.get(k)}
        if entry.get("name"):
            found.append(entry)
    return found


def cancelled_event(
    interview_id: str, application_id: str, candidate_id: str, stamp: datetime
) -> dict[str, Any]:
    """`interview_deleted`: the interview by our records, now cancelled."""
    return {
        "type": "interview.cancelled",
        "timestamp": stamp.isoformat(),
        "data": {
            "candidate": {"id": candidate_id},
            "application": {"id": application_id},
            "interview": {"id": interview_id},
        },
    }
