"""The canonical event format (docs/events.md), validated without any I/O."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from webhooks.fields import (
    EmailAddress,
    EventDate,
    EventDateTime,
    ExternalId,
    LanguageTag,
    Text,
    TimeZoneName,
)

INTERVIEW_EVENTS = (
    "interview.scheduled",
    "interview.rescheduled",
    "interview.cancelled",
    "interview.completed",
)
APPLICATION_EVENTS = (
    "application.updated",
    "application.offer_extended",
    "application.hired",
    "application.rejected",
    "application.withdrawn",
    "application.reopened",
)
EVENT_TYPES = INTERVIEW_EVENTS + APPLICATION_EVENTS
MAX_INTERVIEWERS = 100


def _name(max_length: int = 200, **kwargs: Any) -> Text:
    """A person's or a firm's name: it reaches email headers, so one line only."""
    return Text(max_length, one_line="refuse", allow_none=True, **kwargs)


def _line(max_length: int) -> Text:
    """A title or a place, shown on one line: line breaks become spaces."""
    return Text(max_length, one_line="fold", allow_none=True)


class _Lenient(Schema):
    """Unknown fields are ignored, as the format promises."""

    class Meta:
        unknown = EXCLUDE


class EmployerSchema(_Lenient):
    name = _name(300)
    timezone = TimeZoneName(allow_none=True)
    mailing_address = Text(500, allow_none=True)  # the one text with line breaks


class HiringManagerSchema(_Lenient):
    name = _name()
    email = EmailAddress(allow_none=True)
    ok_to_call = fields.Boolean(allow_none=True)


class RecruiterSchema(_Lenient):
    id = ExternalId()
    name = _name()
    email = EmailAddress(required=True)
    timezone = TimeZoneName(allow_none=True)


class CandidateSchema(_Lenient):
    id = ExternalId(required=True)
    first_name = _name()
    last_name = _name()
    # Null is taken as "not given": a candidate's address is never cleared.
    email = EmailAddress(allow_none=True)
    timezone = TimeZoneName(allow_none=True)
    locale = LanguageTag(allow_none=True)


class ApplicationSchema(_Lenient):
    id = ExternalId(required=True)
    job_title = _line(300)
    employer = fields.Nested(EmployerSchema, allow_none=True)
    hiring_manager = fields.Nested(HiringManagerSchema, allow_none=True)
    decision_deadline = EventDate(allow_none=True)
    recruiter = fields.Nested(RecruiterSchema, allow_none=True)


class InterviewerSchema(_Lenient):
    name = Text(200, one_line="refuse", required=True, validate=validate.Length(min=1))
    email = EmailAddress(allow_none=True)
    title = _line(200)


class InterviewSchema(_Lenient):
    id = ExternalId(required=True)
    starts_at = EventDateTime(allow_none=True)
    ends_at = EventDateTime(allow_none=True)
    location = _line(300)
    interviewers = fields.List(
        fields.Nested(InterviewerSchema),
        allow_none=True,
        validate=validate.Length(max=MAX_INTERVIEWERS),
    )


class EventDataSchema(_Lenient):
    candidate = fields.Nested(CandidateSchema, required=True)
    application = fields.Nested(ApplicationSchema, required=True)
    # Any event may carry an interview; null is the same as leaving it out.
    interview = fields.Nested(InterviewSchema, allow_none=True)


class EventSchema(_Lenient):
    """One canonical event; `load` returns it with absent fields left out."""

    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    timestamp = EventDateTime(required=True)
    data = fields.Nested(EventDataSchema, required=True)

    @validates_schema
    def check_event_needs(self, event: dict[str, Any], **kwargs: Any) -> None:
        """Apply the per-type requirements of the format."""
        kind, data = event["type"], event["data"]
        interview = data.get("interview")
        if kind.startswith("interview.") and interview is None:
            raise ValidationError(
                {"data": {"interview": ["Required for interview events."]}}
            )
        errors: dict[str, Any] = {}
        if kind in ("interview.scheduled", "interview.rescheduled"):
            errors = _schedule_errors(data, interview)
        if not errors and interview is not None:
            starts_at, ends_at = interview.get("starts_at"), interview.get("ends_at")
            if starts_at is not None and ends_at is not None and ends_at <= starts_at:
                errors = {"interview": {"ends_at": ["Must be after starts_at."]}}
        if errors:
            raise ValidationError({"data": errors})


def _schedule_errors(data: dict[str, Any], interview: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in ("starts_at", "ends_at"):
        if interview.get(name) is None:
            errors.setdefault("interview", {})[name] = ["Required when scheduling."]
    if not data["candidate"].get("email"):
        errors["candidate"] = {"email": ["Required when scheduling."]}
    return errors
