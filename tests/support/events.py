"""Canonical events for tests: the example in docs/events.md, changed path by path."""

from __future__ import annotations

from typing import Any

# Pass as a change's value to remove that key: `interview_event(**{"a.b": DELETE})`.
DELETE = object()


def interview_event(**changes: Any) -> dict[str, Any]:
    """The example in docs/events.md, with top-level or dotted-path changes applied."""
    event: dict[str, Any] = {
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
                    {
                        "name": "Lee Park",
                        "email": "lee@acme.example",
                        "title": "Payroll Manager",
                    }
                ],
            },
        },
    }
    for path, value in changes.items():
        target = event
        *parents, leaf = path.split(".")
        for key in parents:
            target = target[key]
        if value is DELETE:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return event


def numbered_event(number: int, **changes: Any) -> dict[str, Any]:
    """The example for candidate `number`: their own ids and address, for loads."""
    return interview_event(
        **{
            "data.candidate.id": f"c-{number}",
            "data.candidate.email": f"candidate{number}@example.org",
            "data.application.id": f"a-{number}",
            "data.interview.id": f"i-{number}",
            **changes,
        }
    )
