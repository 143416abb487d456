"""A quick check of the common canonical event, ahead of the schema.

Validating a delivery with the marshmallow schema (`webhooks/schema.py`) costs more
than storing it. `surely_valid` reads the same rules straight off the parsed JSON
and answers the event's type only when every field is in its plain shape: a string
where a string goes, `null` only where the schema allows it, a date-time with its
offset. Anything else, valid or not, gets None, and the schema decides: it alone
names the fields at fault, and it still accepts the unusual shapes it accepts (a
whole-number id, `"yes"` for a boolean, a title whose spaces fold under its limit).

So this check may pass over a valid event, never accept an invalid one: every
event it accepts, the schema accepts with the same type. That is what
`tests/webhooks/test_quick_check.py` holds it to. A rule added to the schema must be
added here too, or left to the schema by answering None.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError, validate

from webhooks.fields import (
    EARLIEST_YEAR,
    LANGUAGE_TAG,
    LANGUAGE_TAG_MAX,
    LATEST_YEAR,
    iana_zone_names,
    text_problem,
)
from webhooks.schema import EVENT_TYPES, MAX_INTERVIEWERS

_EMAIL = validate.Email()
_SCHEDULING = ("interview.scheduled", "interview.rescheduled")


class _Unsure(Exception):
    """A field is not in its plain shape: leave the event to the schema."""


def surely_valid(payload: Any) -> str | None:
    """The event's type if the schema surely accepts `payload`; None if unsure."""
    try:
        return _event(payload)
    except _Unsure:
        return None


def _event(event: Any) -> str:
    kind = _object(event).get("type")
    if kind not in EVENT_TYPES:
        raise _Unsure
    _date_time(event.get("timestamp"), required=True)
    data = _object(event.get("data"))
    candidate = _object(data.get("candidate"))
    _external_id(candidate.get("id"), required=True)
    for name in ("first_name", "last_name"):
        _text(candidate.get(name), 200, one_line=True)
    email = _email(candidate.get("email"))
    _zone(candidate.get("timezone"))
    _language(candidate.get("locale"))
    _application(_object(data.get("application")))
    interview = data.get("interview")
    if interview is None:
        if kind.startswith("interview."):
            raise _Unsure
        return str(kind)
    starts_at, ends_at = _interview(_object(interview))
    if kind in _SCHEDULING and (starts_at is None or ends_at is None or not email):
        raise _Unsure
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise _Unsure
    return str(kind)


def _application(application: dict[str, Any]) -> None:
    _external_id(application.get("id"), required=True)
    _text(application.get("job_title"), 300)
    employer = application.get("employer")
    if employer is not None:
        employer = _object(employer)
        _text(employer.get("name"), 300, one_line=True)
        _zone(employer.get("timezone"))
        _text(employer.get("mailing_address"), 500)
    manager = application.get("hiring_manager")
    if manager is not None:
        manager = _object(manager)
        _text(manager.get("name"), 200, one_line=True)
        _email(manager.get("email"))
        if not isinstance(manager.get("ok_to_call"), bool | None):
            raise _Unsure
    _date(application.get("decision_deadline"))
    recruiter = application.get("recruiter")
    if recruiter is not None:
        recruiter = _object(recruiter)
        if "id" in recruiter:
            _external_id(recruiter["id"], required=True)
        _text(recruiter.get("name"), 200, one_line=True)
        _email(recruiter.get("email"), required=True)
        _zone(recruiter.get("timezone"))


def _interview(interview: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    _external_id(interview.get("id"), required=True)
    starts_at = _date_time(interview.get("starts_at"))
    ends_at = _date_time(interview.get("ends_at"))
    _text(interview.get("location"), 300)
    interviewers = interview.get("interviewers")
    if interviewers is not None:
        if not isinstance(interviewers, list) or len(interviewers) > MAX_INTERVIEWERS:
            raise _Unsure
        for interviewer in interviewers:
            interviewer = _object(interviewer)
            _text(interviewer.get("name"), 200, one_line=True, required=True)
            _email(interviewer.get("email"))
            _text(interviewer.get("title"), 200)
    return starts_at, ends_at


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Unsure
    return value


def _text(
    value: Any, max_length: int, *, one_line: bool = False, required: bool = False
) -> None:
    """A string within its limit before folding; null, unless `required`."""
    if value is None and not required:
        return
    if not isinstance(value, str) or len(value) > max_length:
        raise _Unsure
    if (required and not value) or text_problem(value, one_line=one_line):
        raise _Unsure


def _external_id(value: Any, *, required: bool) -> None:
    """A plain id: a string with no surrounding spaces, 1 to 200 characters."""
    if value is None and not required:
        return
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= 200
        or value != value.strip()
    ):
        raise _Unsure
    if text_problem(value, one_line=True):
        raise _Unsure


def _email(value: Any, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > 320:
        raise _Unsure
    if text_problem(value, one_line=True):
        raise _Unsure
    try:
        _EMAIL(value)
    except ValidationError as exc:
        raise _Unsure from exc
    return value


def _zone(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or value not in iana_zone_names():
        raise _Unsure


def _language(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or len(value) > LANGUAGE_TAG_MAX:
        raise _Unsure
    if not LANGUAGE_TAG.fullmatch(value):
        raise _Unsure


def _date(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise _Unsure
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise _Unsure from exc
    _in_years(parsed)


def _date_time(value: Any, *, required: bool = False) -> datetime | None:
    """A date-time with its offset, read as the schema reads it."""
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _Unsure
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _Unsure from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _Unsure
    _in_years(parsed)
    return parsed


def _in_years(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise _Unsure
