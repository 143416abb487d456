"""Lever records, as read from its API, turned into canonical events (no I/O).

Field names follow hire.lever.co/developer/documentation ("Opportunities",
"Interviews", "Postings", "Archive Reasons"): an interview's `date` is epoch ms,
`duration` minutes, `timezone` an IANA name, `canceledAt` epoch ms or null, and
`interviewers` carry `name` and `email`; an opportunity's `contact` is the person,
`emails` their addresses, `owner` the recruiter, `archived` `{archivedAt, reason}`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webhooks import IgnoredEvent

#: Lever has no withdrawn type: its default "Withdrew" reason is told by its text.
WITHDRAWN_WORDS = ("withdr",)


def from_epoch_ms(value: Any) -> datetime:
    """An aware UTC datetime from Lever's epoch milliseconds."""
    return datetime.fromtimestamp(int(value) / 1000, UTC)


def interview_event(
    kind: str,
    triggered_at: datetime,
    opportunity: dict[str, Any],
    interview: dict[str, Any] | None,
    interview_id: str,
    posting: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """interview.scheduled/rescheduled from a live interview, else cancelled."""
    if interview is None or interview.get("canceledAt"):
        kind, fields = "interview.cancelled", {"id": interview_id}
    else:
        fields = _interview_fields(interview)
    event = application_event(kind, triggered_at, opportunity, posting)
    event["data"]["interview"] = fields
    if kind != "interview.cancelled" and not event["data"]["candidate"].get("email"):
        raise IgnoredEvent("the Lever candidate has no email address")
    return event


def application_event(
    kind: str,
    triggered_at: datetime,
    opportunity: dict[str, Any],
    posting: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A canonical event about the opportunity, with what Lever told us of it."""
    application: dict[str, Any] = {"id": str(opportunity["id"])}
    if posting and posting.get("text"):
        application["job_title"] = posting["text"]
    recruiter = _recruiter(opportunity.get("owner"))
    if recruiter:
        application["recruiter"] = recruiter
    return {
        "type": kind,
        "timestamp": triggered_at.isoformat(),
        "data": {"candidate": _candidate(opportunity), "application": application},
    }


def archive_kind(opportunity: dict[str, Any], reason: dict[str, Any] | None) -> str:
    """The decision the opportunity's archived state stands for now."""
    if not opportunity.get("archived"):
        return "application.reopened"
    if reason is not None and reason.get("type") == "hired":
        return "application.hired"
    text = str((reason or {}).get("text") or "").lower()
    if any(word in text for word in WITHDRAWN_WORDS):
        return "application.withdrawn"
    return "application.rejected"


def posting_id(opportunity: dict[str, Any]) -> str | None:
    """The posting of the opportunity's (expanded) application, if any."""
    for application in opportunity.get("applications") or []:
        if isinstance(application, dict) and application.get("posting"):
            return str(application["posting"])
    return None


def _candidate(opportunity: dict[str, Any]) -> dict[str, Any]:
    # The contact is the person across opportunities; the opportunity id is a fallback.
    candidate: dict[str, Any] = {
        "id": str(opportunity.get("contact") or opportunity["id"])
    }
    first, _, last = str(opportunity.get("name") or "").strip().partition(" ")
    if first:
        candidate["first_name"] = first
    if last.strip():
        candidate["last_name"] = last.strip()
    emails = [e for e in opportunity.get("emails") or [] if isinstance(e, str) and e]
    if emails:
        candidate["email"] = emails[0]
    return candidate


def _recruiter(owner: Any) -> dict[str, Any] | None:
    if not isinstance(owner, dict) or not owner.get("email"):
        return None
    recruiter = {"email": owner["email"]}
    if owner.get("id"):
        recruiter["id"] = str(owner["id"])
    if owner.get("name"):
        recruiter["name"] = owner["name"]
    return recruiter


def _interview_fields(interview: dict[str, Any]) -> dict[str, Any]:
    """Times in the interview's own zone, so the offset tells where it happens."""
    starts = from_epoch_ms(interview["date"]).astimezone(_zone(interview))
    ends = starts + timedelta(minutes=int(interview.get("duration") or 0))
    fields: dict[str, Any] = {
        "id": str(interview["id"]),
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "interviewers": _interviewers(interview.get("interviewers")),
    }
    if interview.get("location"):
        fields["location"] = interview["location"]
    return fields


def _interviewers(people: Any) -> list[dict[str, Any]]:
    found = []
    for person in people or []:
        if not isinstance(person, dict):
            continue
        name = person.get("name") or person.get("email")
        if name:
            entry = {"name": name}
            if person.get("email"):
                entry["email"] = person["email"]
            found.append(entry)
    return found


def _zone(interview: dict[str, Any]) -> ZoneInfo:
    try:
        return ZoneInfo(str(interview.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
