"""Bullhorn records to canonical events (docs/events.md), by the firm's policy.

Field names from `bullhorn/rest-api-docs` `entityref/_appointment.md`,
`_appointmentattendee.md`, `_joborder.md`, `_jobsubmission.md`, `_placement.md`;
`timeZoneID` from the Appointment fixtures of `bullhorn/sdk-rest`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

SCHEDULE_FIELDS = {"dateBegin", "dateEnd"}
_unmapped_seen: set[str] = set()

Record = dict[str, Any]


def application_id(candidate_id: Any, job_order_id: Any) -> str:
    """One application per candidate and job order, as a JobSubmission is."""
    return f"{candidate_id}-{job_order_id}"


def appointment_events(body: Record, policy: Any, firm_zone: str) -> list[Record]:
    """Interview events for one stored Appointment event."""
    event, bundle = body["event"], body.get("appointment")
    if bundle is None:
        return _cancel_known(event, body.get("known"))
    if bundle.get("type") not in policy.interview_types:
        return []
    candidate, job = bundle.get("candidateReference"), bundle.get("jobOrder")
    if not candidate or not job:
        log.info("Bullhorn appointment %s has no candidate or job order", bundle["id"])
        return []
    kind = _interview_change(event, bundle)
    data = {
        "candidate": _candidate(candidate),
        "application": _application(candidate, job, bundle),
        "interview": {"id": str(bundle["id"])},
    }
    if kind != "interview.cancelled":
        data["interview"].update(_schedule(bundle, policy, firm_zone))
    return [{"type": kind, "timestamp": _stamp(event, bundle), "data": data}]


def submission_events(body: Record, policy: Any) -> list[Record]:
    """A decision when a JobSubmission's status maps to one."""
    event, submission = body["event"], body.get("submission")
    changed = event.get("entityEventType") == "INSERTED" or "status" in (
        event.get("updatedProperties") or []
    )
    if not submission or not changed:
        return []
    status = str(submission.get("status") or "")
    decision = policy.decision_for(status)
    if not policy.is_mapped(status) and status not in _unmapped_seen:
        _unmapped_seen.add(status)
        log.warning(
            "Bullhorn submission status %r is not mapped; add it to "
            "[sources.bullhorn.statuses] to act on it",
            status,
        )
    if decision is None:
        return []
    return [_decision(f"application.{decision}", event, submission)]


def placement_events(body: Record) -> list[Record]:
    """A new Placement means the candidate was hired."""
    event, placement = body["event"], body.get("placement")
    if event.get("entityEventType") != "INSERTED" or not placement:
        return []
    return [_decision("application.hired", event, placement)]


def _decision(kind: str, event: Record, record: Record) -> Record:
    candidate = (record.get("candidate") or {}).get("id")
    job = (record.get("jobOrder") or {}).get("id")
    return {
        "type": kind,
        "timestamp": _stamp(event, record),
        "data": {
            "candidate": {"id": str(candidate)},
            "application": {"id": application_id(candidate, job)},
        },
    }


def _interview_change(event: Record, bundle: Record) -> str:
    kind = event.get("entityEventType")
    own = event.get("entityId") == bundle["id"]  # not a child (an invitee's copy)
    if bundle.get("isDeleted") or (own and kind == "DELETED"):
        return "interview.cancelled"
    touched = set(event.get("updatedProperties") or [])
    if kind == "UPDATED" and touched & SCHEDULE_FIELDS:
        return "interview.rescheduled"
    return "interview.scheduled"


def _cancel_known(event: Record, known: Record | None) -> list[Record]:
    """A vanished appointment we were coaching: cancel it by the ids we keep."""
    if event.get("entityEventType") != "DELETED" or not known:
        return []
    return [
        {
            "type": "interview.cancelled",
            "timestamp": _stamp(event, {}),
            "data": {
                "candidate": {"id": known["candidate"]},
                "application": {"id": known["application"]},
                "interview": {"id": known["interview"]},
            },
        }
    ]


def _candidate(candidate: Record) -> Record:
    fields = {"id": str(candidate["id"])}
    for ours, theirs in (("first_name", "firstName"), ("last_name", "lastName")):
        if candidate.get(theirs):
            fields[ours] = candidate[theirs]
    if candidate.get("email"):
        fields["email"] = candidate["email"]
    return fields


def _application(candidate: Record, job: Record, bundle: Record) -> Record:
    fields: Record = {"id": application_id(candidate["id"], job["id"])}
    if job.get("title"):
        fields["job_title"] = job["title"]
    corporation = job.get("clientCorporation") or {}
    if corporation.get("name"):
        fields["employer"] = {
            "name": corporation["name"],
            "mailing_address": _address(corporation.get("address")),
        }
    recruiter = _person(job.get("owner")) or _person(bundle.get("owner"))
    if recruiter and recruiter.get("email"):
        fields["recruiter"] = recruiter
    return fields


def _schedule(bundle: Record, policy: Any, firm_zone: str) -> Record:
    zone = _zone(bundle.get("timeZoneID"), firm_zone)
    owner_id = (bundle.get("owner") or {}).get("id")
    interviewers = []
    for person in bundle.get("attendees") or []:
        kind = person.get("_subtype")
        staff = kind == "CorporateUser" and policy.include_staff_attendees
        if person.get("id") == owner_id or not (kind == "ClientContact" or staff):
            continue
        entry = _person(person)
        if entry and entry.get("name"):
            entry.pop("id", None)
            entry["title"] = person.get("occupation") or None
            interviewers.append(entry)
    return {
        "starts_at": _local(bundle.get("dateBegin"), zone),
        "ends_at": _local(bundle.get("dateEnd"), zone),
        "location": bundle.get("location") or bundle.get("communicationMethod") or None,
        "interviewers": interviewers,
    }


def _person(person: Record | None) -> Record | None:
    if not person:
        return None
    name = " ".join(
        str(person[k]).strip() for k in ("firstName", "lastName") if person.get(k)
    )
    fields: Record = {"id": str(person.get("id")), "name": name or None}
    if person.get("email"):
        fields["email"] = person["email"]
    return fields


def _address(address: Record | None) -> str | None:
    if not isinstance(address, dict):
        return None
    region = " ".join(str(address[k]) for k in ("state", "zip") if address.get(k))
    parts = [address.get("address1"), address.get("address2"), address.get("city")]
    text = ", ".join(str(p) for p in [*parts, region] if p)
    return text or None


def _zone(name: Any, firm_zone: str) -> ZoneInfo:
    """The appointment's own zone when Bullhorn sends a real one, else the firm's."""
    if isinstance(name, str) and name.strip():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # a folder ("America"), a Windows name or junk
    return ZoneInfo(firm_zone)


def _local(millis: Any, zone: ZoneInfo) -> str | None:
    if isinstance(millis, bool) or not isinstance(millis, int):
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).astimezone(zone).isoformat()


def _stamp(event: Record, record: Record) -> str | None:
    """When it happened: the event's time, else the record's last change."""
    millis = event.get("eventTimestamp") or record.get("dateLastModified")
    return _local(millis, ZoneInfo("UTC")) if millis else None
