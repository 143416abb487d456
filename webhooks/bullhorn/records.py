"""Fetch what Bullhorn's id-only events lack, in as few calls as it allows.

Entity GETs take several ids and nested `fields` (`_entity.md`, "Multiple
Entities"); attendees come from one `query/AppointmentAttendee` call. A batch of
any size costs at most six calls: appointments, their parents, job orders,
attendees, client contacts (and staff users when the policy asks for them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from webhooks.bullhorn.client import BullhornClient
from webhooks.bullhorn.responses import NotFound

APPOINTMENT_FIELDS = (
    "id,type,subject,dateBegin,dateEnd,timeZoneID,isDeleted,isAllDay,location,"
    "communicationMethod,dateLastModified,parentAppointment,"
    "candidateReference(id,firstName,lastName,email),jobOrder(id),"
    "owner(id,firstName,lastName,email)"
)
JOB_ORDER_FIELDS = (
    "id,title,owner(id,firstName,lastName,email),clientCorporation(id,name,address)"
)
ATTENDEE_FIELDS = "id,appointment(id),attendee(id)"
PERSON_FIELDS = "id,firstName,lastName,email,occupation"
SUBMISSION_FIELDS = "id,status,dateLastModified,candidate(id),jobOrder(id)"
PLACEMENT_FIELDS = "id,dateAdded,candidate(id),jobOrder(id)"
MAX_IDS_PER_CALL = 100

Record = dict[str, Any]


def get_many(
    client: BullhornClient, entity: str, ids: Iterable[int], fields: str
) -> dict[int, Record]:
    """`GET entity/{Entity}/{id,id,...}`; ids Bullhorn cannot find are left out."""
    wanted = sorted(set(ids))
    found: dict[int, Record] = {}
    for start in range(0, len(wanted), MAX_IDS_PER_CALL):
        chunk = wanted[start : start + MAX_IDS_PER_CALL]
        path = f"entity/{entity}/{','.join(str(i) for i in chunk)}"
        try:
            answer = client.call("GET", path, {"fields": fields, "count": len(chunk)})
        except NotFound:
            continue  # none of these exist (any): deleted since the event
        data = (answer or {}).get("data") if isinstance(answer, dict) else None
        rows = data if isinstance(data, list) else [data] if data else []
        found.update({row["id"]: row for row in rows if has_id(row)})
    return found


def appointments_with_parents(
    client: BullhornClient, ids: Iterable[int]
) -> dict[int, Record]:
    """Appointments by id, plus the parents of any child appointment among them."""
    found = get_many(client, "Appointment", ids, APPOINTMENT_FIELDS)
    parents = {parent_id(row) for row in found.values()} - {None} - set(found)
    found.update(get_many(client, "Appointment", parents, APPOINTMENT_FIELDS))  # type: ignore[arg-type]
    return found


def parent_id(appointment: Record) -> int | None:
    """The owner's appointment this one was copied from (None for a parent)."""
    parent = appointment.get("parentAppointment")
    return parent.get("id") if isinstance(parent, dict) else None


def interview_bundles(
    client: BullhornClient,
    parents: list[Record],
    include_staff: bool,
) -> dict[int, Record]:
    """Each parent interview with its job order and attendee people filled in."""
    if not parents:
        return {}
    jobs = get_many(
        client, "JobOrder", _ids(p.get("jobOrder") for p in parents), JOB_ORDER_FIELDS
    )
    attendees = _attendees(client, [p["id"] for p in parents], include_staff)
    bundles = {}
    for parent in parents:
        job: Record = parent.get("jobOrder") or {}
        bundles[parent["id"]] = {
            **parent,
            "jobOrder": jobs.get(job["id"], job) if has_id(job) else None,
            "attendees": attendees.get(parent["id"], []),
        }
    return bundles


def _attendees(
    client: BullhornClient, appointment_ids: list[int], include_staff: bool
) -> dict[int, list[Record]]:
    """People invited to each appointment, as ClientContact/CorporateUser records."""
    links = _attendee_links(client, appointment_ids)
    by_kind: dict[str, set[int]] = {"ClientContact": set(), "CorporateUser": set()}
    for _, person in links:
        kind = person.get("_subtype")
        if kind in by_kind and (kind == "ClientContact" or include_staff):
            by_kind[kind].add(person["id"])
    people: dict[tuple[str, int], Record] = {}
    for kind, ids in by_kind.items():
        for pid, row in get_many(client, kind, ids, PERSON_FIELDS).items():
            people[(kind, pid)] = {**row, "_subtype": kind}
    grouped: dict[int, list[Record]] = {}
    for appointment_id, person in links:
        record = people.get((person.get("_subtype", ""), person["id"]))
        if record is not None:
            grouped.setdefault(appointment_id, []).append(record)
    return grouped


def _attendee_links(
    client: BullhornClient, appointment_ids: list[int]
) -> list[tuple[int, Record]]:
    """(appointment id, attendee stub) pairs from one query call per 100 ids."""
    links: list[tuple[int, Record]] = []
    for start in range(0, len(appointment_ids), MAX_IDS_PER_CALL):
        chunk = appointment_ids[start : start + MAX_IDS_PER_CALL]
        where = f"appointment.id IN ({','.join(str(i) for i in chunk)})"
        answer = client.call(
            "GET",
            "query/AppointmentAttendee",
            {"where": where, "fields": ATTENDEE_FIELDS, "count": 500},
        )
        data = answer.get("data") if isinstance(answer, dict) else None
        for row in data if isinstance(data, list) else []:
            appointment, person = _stub(row, "appointment"), _stub(row, "attendee")
            if has_id(appointment) and has_id(person):
                links.append((appointment["id"], person))
    return links


def interview_parents(
    appointments: Mapping[int, dict[str, Any]], types: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The parent appointment of each interview among these, once each."""
    parents: dict[int, dict[str, Any]] = {}
    for row in appointments.values():
        parent = appointments.get(parent_id(row) or row["id"])
        if parent is not None and parent.get("type") in types:
            parents[parent["id"]] = parent
    return list(parents.values())


def _stub(row: Any, name: str) -> Record:
    value = row.get(name) if isinstance(row, dict) else None
    return value if isinstance(value, dict) else {}


def _ids(stubs: Iterable[Any]) -> set[int]:
    return {stub["id"] for stub in stubs if has_id(stub)}


def has_id(row: Any) -> bool:
    """True for a Bullhorn record or stub with a whole-number id."""
    return isinstance(row, dict) and isinstance(row.get("id"), int)
