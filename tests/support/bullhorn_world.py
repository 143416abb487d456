"""A small Bullhorn tenant for tests: one interview panel, its people and job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.fakes.bullhorn_api import BullhornState

# Before the interview, so backfill and the cadence both see it as upcoming.
NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 14:00 in Chicago
ENDS = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
APPLICATION_ID = "881-5521"


def ms(instant: datetime) -> int:
    """Bullhorn's timestamps: epoch milliseconds."""
    return int(instant.timestamp() * 1000)


def bullhorn_settings(state: BullhornState) -> dict[str, str]:
    """Env-style settings pointing the app at the stand-in."""
    return {
        "BULLHORN_CLIENT_ID": state.client_id,
        "BULLHORN_CLIENT_SECRET": state.client_secret,
        "BULLHORN_USERNAME": state.username,
        "BULLHORN_PASSWORD": state.password,
        "BULLHORN_LOGIN_URL": state.base_url,
        "SOURCES_POLL_INTERVAL": "0",
    }


def seed_people(state: BullhornState) -> None:
    """The recruiter, a colleague, the client's contacts, the candidate, the job."""
    state.add("CorporateUser", _person(7, "Sam", "Rivera", "sam@staffing.example"))
    state.add("CorporateUser", _person(8, "Kim", "Lee", "kim@staffing.example"))
    state.add(
        "ClientContact",
        _person(301, "Lee", "Park", "lee@acme.example", occupation="Payroll Manager"),
    )
    state.add(
        "ClientContact",
        _person(302, "Ana", "Ruiz", "ana@acme.example", occupation="HR Partner"),
    )
    state.add("Candidate", _person(881, "Dana", "Okafor", "dana@example.org"))
    state.add(
        "ClientCorporation",
        {
            "id": 55,
            "name": "Acme Logistics",
            "address": {
                "address1": "100 Main St",
                "address2": "",
                "city": "Springfield",
                "state": "IL",
                "zip": "62701",
                "countryID": 1,
            },
        },
    )
    state.add(
        "JobOrder",
        {
            "id": 5521,
            "title": "Payroll Specialist",
            "owner": {"id": 7, "_subtype": "CorporateUser"},
            "clientCorporation": {"id": 55},
        },
    )
    state.add(
        "JobSubmission",
        {
            "id": 9100,
            "status": "Interview Scheduled",
            "dateLastModified": ms(NOW),
            "candidate": {"id": 881},
            "jobOrder": {"id": 5521},
        },
    )


def seed_panel(state: BullhornState, appointment_id: int = 9001) -> None:
    """An interview: the owner's parent appointment and a colleague's child copy."""
    state.add("Appointment", appointment(appointment_id))
    state.add(
        "Appointment",
        appointment(
            appointment_id + 1,
            parentAppointment={"id": appointment_id},
            owner={"id": 8, "_subtype": "CorporateUser"},
        ),
    )
    people = [(301, "ClientContact"), (302, "ClientContact"), (8, "CorporateUser")]
    people += [(881, "Candidate"), (7, "CorporateUser")]  # the owner attends too
    for n, (person, kind) in enumerate(people, start=1):
        state.add(
            "AppointmentAttendee",
            {
                "id": appointment_id * 10 + n,
                "acceptanceStatus": 0,
                "appointment": {"id": appointment_id},
                "attendee": {"id": person, "_subtype": kind},
                "migrateGUID": None,
            },
        )


def appointment(appointment_id: int, **changes: Any) -> dict[str, Any]:
    """An Interview appointment shaped like sdk-rest's appointment-data.txt."""
    record = {
        "id": appointment_id,
        "appointmentUUID": None,
        "candidateReference": {"id": 881},
        "clientContactReference": {"id": 301},
        "communicationMethod": "Onsite Appointment",
        "dateAdded": ms(NOW),
        "dateBegin": ms(STARTS),
        "dateEnd": ms(ENDS),
        "dateLastModified": ms(NOW),
        "description": "",
        "isAllDay": False,
        "isDeleted": False,
        "isPrivate": False,
        "jobOrder": {"id": 5521},
        "location": "Acme HQ, Springfield",
        "owner": {"id": 7, "_subtype": "CorporateUser"},
        "parentAppointment": None,
        "placement": None,
        "subject": "Interview: Payroll Specialist",
        "timeZoneID": "America/Chicago",
        "type": "Interview",
    }
    record.update(changes)
    return record


def _person(pid: int, first: str, last: str, email: str, **extra: Any) -> dict:
    return {"id": pid, "firstName": first, "lastName": last, "email": email, **extra}
