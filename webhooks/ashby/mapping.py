"""Ashby payloads and API records turned into canonical events (no I/O).

Shapes from developers.ashbyhq.com and Ashby's OpenAPI (webhook payloads,
`application.info`, `candidate.info`): an interview schedule has `status`
(`Scheduled`, `Cancelled`, ...), `applicationId` and `interviewEvents[]` with UTC
`startTime`/`endTime`, `location` and `interviewers[]` (`firstName`, `lastName`,
`email`); an application has `status` (`Active`, `Hired`, `Archived`, `Lead`),
`candidate`, `job`, `hiringTeam[]` (`role`, `email`, names) and `archiveReason`
(`reasonType`: `RejectedByCandidate`, `RejectedByOrg`, `Other`).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webhooks import IgnoredEvent

CANCELLED = "Cancelled"


def parse_time(value: Any) -> datetime:
    """An aware datetime from Ashby's date-time; one without a zone is UTC."""
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def zone_named(name: Any) -> ZoneInfo | None:
    """The IANA zone called `name`, or None for a blank or unknown one."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def schedule_events(
    action: str,
    schedule: dict[str, Any],
    application: dict[str, Any],
    candidate: dict[str, Any],
    firm_zone: tzinfo,
) -> list[dict[str, Any]]:
    """One canonical event per interview of the schedule, as it now stands."""
    zone = zone_named(candidate.get("timezone")) or firm_zone
    stamp = parse_time(schedule.get("updatedAt") or schedule["createdAt"])
    cancelled = schedule.get("status") == CANCELLED
    events = []
    for item in schedule.get("interviewEvents") or []:
        if cancelled:
            kind, fields = "interview.cancelled", {"id": str(item["id"])}
        elif item.get("startTime") and item.get("endTime"):
            kind = (
                "interview.scheduled"
                if action == "interviewScheduleCreate"
                else "interview.rescheduled"
            )
            fields = _interview(item, zone)
        else:
            continue
        event = application_event(kind, stamp, application, candidate)
        event["data"]["interview"] = fields
        events.append(event)
    if events and not cancelled and not events[0]["data"]["candidate"].get("email"):
        raise IgnoredEvent("the Ashby candidate has no email address")
    return events


def decision_kind(application: dict[str, Any]) -> str:
    """The canonical type an application's status stands for."""
    status = application.get("status")
    if status == "Hired":
        return "application.hired"
    if status == "Archived":
        reason = application.get("archiveReason") or {}
        if reason.get("reasonType") == "RejectedByCandidate":
            return "application.withdrawn"
        return "application.rejected"
    # Active again: a no-op on an active application, a reopening after an archive.
    return "application.reopened"


def application_event(
    kind: str,
    stamp: datetime,
    application: dict[str, Any],
    candidate: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A canonical event with the candidate, job and hiring team Ashby gave."""
    person = dict(application.get("candidate") or {})
    person.update(candidate or {})
    fields: dict[str, Any] = {"id": str(application["id"])}
    job = application.get("job") or {}
    if job.get("title"):
        fields["job_title"] = job["title"]
    for role, key in (("Recruiter", "recruiter"), ("Hiring Manager", "hiring_manager")):
        member = _team_member(application.get("hiringTeam"), role)
        if member:
            fields[key] = member
    return {
        "type": kind,
        "timestamp": stamp.isoformat(),
        "data": {"candidate": _candidate(person), "application": fields},
    }


def _candidate(person: dict[str, Any]) -> dict[str, Any]:
    candidate: dict[str, Any] = {"id": str(person["id"])}
    first, _, last = str(person.get("name") or "").strip().partition(" ")
    if first:
        candidate["first_name"] = first
    if last.strip():
        candidate["last_name"] = last.strip()
    email = (person.get("primaryEmailAddress") or {}).get("value")
    if email:
        candidate["email"] = email
    if zone_named(person.get("timezone")):
        candidate["timezone"] = person["timezone"]
    return candidate


def _team_member(team: Any, role: str) -> dict[str, Any] | None:
    for member in team or []:
        if isinstance(member, dict) and member.get("role") == role:
            if not member.get("email"):
                return None
            found = {"email": member["email"], "name": _full_name(member)}
            if role == "Recruiter" and member.get("userId"):
                found["id"] = str(member["userId"])
            return {key: value for key, value in found.items() if value}
    return None


def _interview(item: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """Ashby's UTC times, shown in the candidate's zone (else the firm's)."""
    fields: dict[str, Any] = {
        "id": str(item["id"]),
        "starts_at": parse_time(item["startTime"]).astimezone(zone).isoformat(),
        "ends_at": parse_time(item["endTime"]).astimezone(zone).isoformat(),
        "interviewers": [
            {"name": _full_name(person), "email": person.get("email")}
            for person in item.get("interviewers") or []
            if isinstance(person, dict) and _full_name(person)
        ],
    }
    if item.get("location"):
        fields["location"] = item["location"]
    return fields


def _full_name(person: dict[str, Any]) -> str:
    return " ".join(
        str(part) for part in (person.get("firstName"), person.get("lastName")) if part
    )
