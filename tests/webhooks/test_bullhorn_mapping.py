"""Bullhorn records to canonical events, by policy (no server, no database)."""

from __future__ import annotations

import logging
import re

import pytest

from plugin.config.policy import PolicyError
from plugin.config.policy_file import policy_from_mapping
from tests.support.bullhorn_world import NOW, appointment, ms
from webhooks import PayloadError
from webhooks.bullhorn import BullhornSource, mapping

LEE = {
    "id": 301,
    "firstName": "Lee",
    "lastName": "Park",
    "email": "lee@acme.example",
    "occupation": "Payroll Manager",
    "_subtype": "ClientContact",
}
KIM = {"id": 8, "firstName": "Kim", "lastName": "Lee", "email": "kim@staffing.example"}
SAM = {
    "id": 7,
    "firstName": "Sam",
    "lastName": "Rivera",
    "email": "sam@staffing.example",
}


def _bundle(**changes):
    record = appointment(
        9001,
        candidateReference={
            "id": 881,
            "firstName": "Dana",
            "lastName": "Okafor",
            "email": "dana@example.org",
        },
        jobOrder={
            "id": 5521,
            "title": "Payroll Specialist",
            "owner": SAM,
            "clientCorporation": {"id": 55, "name": "Acme Logistics"},
        },
        owner=SAM,
        attendees=[
            LEE,
            {**KIM, "_subtype": "CorporateUser"},
            {**SAM, "_subtype": "CorporateUser"},
        ],
    )
    record.update(changes)
    return record


def _event(kind="INSERTED", entity="Appointment", entity_id=9001, **extra):
    return {
        "eventId": "ID:JBM-1",
        "entityName": entity,
        "entityId": entity_id,
        "entityEventType": kind,
        "eventTimestamp": ms(NOW),
        **extra,
    }


def _normalise(body, **policy):
    settings = {"POLICY": policy_from_mapping({"sources": {"bullhorn": policy}})}
    return BullhornSource().normalise(body, settings)


def test_an_unknown_time_zone_falls_back_to_the_firms():
    (event,) = _normalise(
        {"event": _event(), "appointment": _bundle(timeZoneID="America")}
    )

    assert (
        event["data"]["interview"]["starts_at"].isoformat()
        == "2026-12-01T15:00:00-05:00"
    )


def test_the_appointments_own_zone_is_used_when_valid():
    (event,) = _normalise({"event": _event(), "appointment": _bundle()})

    assert (
        event["data"]["interview"]["starts_at"].isoformat()
        == "2026-12-01T14:00:00-06:00"
    )


def test_staff_attend_only_when_the_policy_says_and_the_owner_never():
    body = {"event": _event(), "appointment": _bundle()}

    without = _normalise(body)[0]["data"]["interview"]["interviewers"]
    with_staff = _normalise(body, include_staff_attendees=True)[0]["data"]["interview"][
        "interviewers"
    ]

    assert [p["name"] for p in without] == ["Lee Park"]
    assert [p["name"] for p in with_staff] == ["Lee Park", "Kim Lee"]


def test_other_appointment_types_are_not_interviews():
    body = {"event": _event(), "appointment": _bundle(type="Meeting")}

    assert _normalise(body) == []
    assert len(_normalise(body, interview_types=["Meeting"])) == 1


def test_a_status_maps_by_policy_and_an_unmapped_one_is_logged_once(caplog):
    submission = {
        "id": 9100,
        "status": "Shortlisted",
        "candidate": {"id": 881},
        "jobOrder": {"id": 5521},
    }
    body = {
        "event": _event("UPDATED", "JobSubmission", 9100, updatedProperties=["status"]),
        "submission": submission,
    }
    mapping._unmapped_seen.clear()

    with caplog.at_level(logging.WARNING):
        assert _normalise(body) == []
        assert _normalise(body) == []
    mapped = _normalise(body, statuses={"Shortlisted": "withdrawn"})

    assert caplog.text.count("'Shortlisted' is not mapped") == 1
    assert mapped[0]["type"] == "application.withdrawn"
    assert mapped[0]["data"]["application"]["id"] == "881-5521"


def test_a_stock_status_maps_without_configuration():
    submission = {
        "id": 9100,
        "status": "Offer Extended",
        "candidate": {"id": 881},
        "jobOrder": {"id": 5521},
    }
    body = {
        "event": _event("UPDATED", "JobSubmission", 9100, updatedProperties=["status"]),
        "submission": submission,
    }

    assert _normalise(body)[0]["type"] == "application.offer_extended"


def test_a_body_that_is_not_a_stored_event_is_a_payload_error():
    with pytest.raises(PayloadError):
        _normalise({"nothing": True})


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"statuses": {"Placed": "celebrate"}}, "sources.bullhorn.statuses: each"),
        ({"statuses": {"Placed": 1}}, 'sources.bullhorn.statuses."Placed": must be'),
        ({"interview_types": [""]}, "sources.bullhorn.interview_types: must list"),
        ({"include_staff": True}, "sources.bullhorn.include_staff: unknown key"),
    ],
)
def test_a_bad_bullhorn_policy_names_the_key(section, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        policy_from_mapping({"sources": {"bullhorn": section}})
