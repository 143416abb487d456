"""The docs/events.md example event, and a way to change it by dotted paths."""

from __future__ import annotations

import copy
from typing import Any

ABSENT = object()

EXAMPLE: dict[str, Any] = {
    "type": "interview.scheduled",
    "timestamp": "2026-12-01T09:12:00Z",
    "data": {
        "candidate": {
            "id": "c-881",
            "first_name": "Dana",
            "last_name": "Okafor",
            "email": "dana@example.org",
            "timezone": "America/Chicago",
        },
        "application": {
            "id": "a-5521",
            "job_title": "Payroll Specialist",
            "employer": {
                "name": "Acme Logistics",
                "timezone": "America/Chicago",
                "mailing_address": "100 Main St, Springfield, IL 62701",
            },
            "hiring_manager": {
                "name": "Lee Park",
                "email": "lee@acme.example",
                "ok_to_call": False,
            },
            "decision_deadline": "2026-12-08",
            "recruiter": {
                "id": "r-7",
                "name": "Sam Rivera",
                "email": "sam@staffing.example",
                "timezone": "America/New_York",
            },
        },
        "interview": {
            "id": "i-9001",
            "starts_at": "2026-12-01T14:00:00-06:00",
            "ends_at": "2026-12-01T15:00:00-06:00",
            "location": "onsite",
            "interviewers": [
                {"name": "Lee Park", "email": "lee@acme.example", "title": "Manager"}
            ],
        },
    },
}


def event(**changes: Any) -> dict[str, Any]:
    """The example with changes: `event(**{"data.interview.id": "i-2"})`.

    A value of ABSENT removes the field.
    """
    built = copy.deepcopy(EXAMPLE)
    for path, value in changes.items():
        target = built
        *parents, leaf = path.split(".")
        for key in parents:
            target = target[key]
        if value is ABSENT:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return built
