"""What cannot be stored or applied is refused at the door: 422 naming the field."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from plugin.models import InboxEvent
from tests.support.events import DELETE as ABSENT
from tests.support.events import interview_event as event
from webhooks import PayloadError
from webhooks.schema import EVENT_TYPES, EventSchema
from webhooks.standard import StandardWebhooks

REFUSED = [
    ({"data.candidate.timezone": "America"}, "data.candidate.timezone"),
    ({"data.candidate.timezone": "Etc"}, "data.candidate.timezone"),
    ({"data.candidate.timezone": "A" * 300}, "data.candidate.timezone"),
    (
        {"data.application.employer.timezone": "America/"},
        "data.application.employer.timezone",
    ),
    (
        {"data.application.recruiter.timezone": "posixrules/../UTC"},
        "data.application.recruiter.timezone",
    ),
    ({"data.interview.starts_at": "0001-01-01T10:00:00Z"}, "data.interview.starts_at"),
    ({"data.interview.ends_at": "9999-12-31T23:00:00Z"}, "data.interview.ends_at"),
    ({"timestamp": "1999-12-31T23:59:59Z"}, "timestamp"),
    ({"timestamp": "2101-01-01T00:00:00Z"}, "timestamp"),
    (
        {"data.application.decision_deadline": "9999-12-31"},
        "data.application.decision_deadline",
    ),
    (
        {"data.application.decision_deadline": "0001-01-01"},
        "data.application.decision_deadline",
    ),
    ({"data.candidate.first_name": "Da\x00na"}, "data.candidate.first_name"),
    ({"data.candidate.id": "c-\x00"}, "data.candidate.id"),
    ({"data.application.job_title": "Pay\x00roll"}, "data.application.job_title"),
    ({"data.candidate.last_name": "O\ud800"}, "data.candidate.last_name"),
    ({"data.interview.location": "\udfff"}, "data.interview.location"),
    ({"data.candidate.first_name": "Dana\r\nBcc: x"}, "data.candidate.first_name"),
    ({"data.candidate.last_name": "Oka\u2028for"}, "data.candidate.last_name"),
    ({"data.candidate.email": "dana@example.org\r\n"}, "data.candidate.email"),
    ({"data.candidate.email": "d" * 320 + "@example.org"}, "data.candidate.email"),
    (
        {"data.application.employer.name": "Acme\nLogistics"},
        "data.application.employer.name",
    ),
    (
        {"data.application.hiring_manager.name": "Lee\rPark"},
        "data.application.hiring_manager.name",
    ),
    (
        {"data.application.recruiter.name": "Sam\nRivera"},
        "data.application.recruiter.name",
    ),
    (
        {"data.interview.interviewers": [{"name": "Lee\nPark"}]},
        "data.interview.interviewers.0.name",
    ),
    ({"data.interview.interviewers": [{"name": "x"}] * 101}, "data.interview"),
    ({"data.application.job_title": "x" * 301}, "data.application.job_title"),
    ({"data.candidate.id": 10**300}, "data.candidate.id"),
    ({"data.candidate.email": None}, "data.candidate.email"),
    ({"data.interview.starts_at": None}, "data.interview.starts_at"),
]


def stored(db) -> int:
    return db.session.scalar(select(func.count()).select_from(InboxEvent))


@pytest.mark.parametrize(("change", "field"), REFUSED)
def test_what_cannot_be_stored_is_refused_naming_the_field(change, field):
    with pytest.raises(PayloadError) as refused:
        StandardWebhooks().validate(event(**change))

    assert any(path.startswith(field) for path in refused.value.fields), (
        refused.value.fields
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"data.candidate.first_name": "Da\x00na"}, "data.candidate.first_name"),
        ({"data.candidate.last_name": "\ud800"}, "data.candidate.last_name"),
        ({"data.candidate.timezone": "America"}, "data.candidate.timezone"),
        ({"data.interview.starts_at": "9999-12-31T10:00:00Z"}, "data.interview"),
    ],
)
def test_the_webhook_answers_422_and_stores_nothing(db, post_event, change, field):
    # ensure_ascii keeps lone surrogates as \ud800 escapes, as a sender's JSON would.
    body = json.dumps(event(**change)).encode()

    response = post_event(None, body=body)

    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert any(path.startswith(field) for path in fields), fields
    assert stored(db) == 0


def test_line_breaks_in_titles_and_places_become_spaces():
    loaded = EventSchema().load(
        event(
            **{
                "data.application.job_title": "Payroll\r\n  Specialist",
                "data.interview.location": "Room 4\nFloor 2",
            }
        )
    )

    assert loaded["data"]["application"]["job_title"] == "Payroll Specialist"
    assert loaded["data"]["interview"]["location"] == "Room 4 Floor 2"


def test_a_mailing_address_keeps_its_lines():
    address = "100 Main St\nSpringfield, IL 62701"
    loaded = EventSchema().load(
        event(**{"data.application.employer.mailing_address": address})
    )

    assert loaded["data"]["application"]["employer"]["mailing_address"] == address


@pytest.mark.parametrize(
    "text", ["عبد الله", "😀 Dana", "\u202eOkafor", "Zoë\tO'Brien", "x" * 200]
)
def test_unusual_but_storable_names_are_accepted(text):
    loaded = EventSchema().load(event(**{"data.candidate.first_name": text}))

    assert loaded["data"]["candidate"]["first_name"] == text


@pytest.mark.parametrize(
    "zone", ["America/Argentina/Buenos_Aires", "Etc/GMT-14", "UTC"]
)
def test_iana_zone_names_are_accepted(zone):
    loaded = EventSchema().load(event(**{"data.candidate.timezone": zone}))

    assert loaded["data"]["candidate"]["timezone"] == zone


@pytest.mark.parametrize("kind", [t for t in EVENT_TYPES if t.startswith("app")])
def test_any_application_event_may_carry_an_interview_or_null(kind):
    with_interview = EventSchema().load(event(type=kind))
    with_null = EventSchema().load(event(type=kind, **{"data.interview": None}))
    without = EventSchema().load(event(type=kind, **{"data.interview": ABSENT}))

    assert with_interview["data"]["interview"]["id"] == "i-9001"
    assert with_null["data"]["interview"] is None
    assert "interview" not in without["data"]


def test_edges_of_the_accepted_years_are_accepted():
    loaded = EventSchema().load(
        event(
            timestamp="2000-01-01T00:00:00+14:00",
            **{
                "data.application.decision_deadline": "2100-12-31",
                "data.interview.starts_at": "2100-12-31T22:00:00-12:00",
                "data.interview.ends_at": "2100-12-31T23:00:00-12:00",
            },
        )
    )

    assert loaded["data"]["application"]["decision_deadline"].year == 2100
