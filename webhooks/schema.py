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

from webhooks.fields import ExternalId, TimeZoneName

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
)
EVENT_TYPES = INTERVIEW_EVENTS + APPLICATION_EVENTS


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


class _Lenient(Schema):
    """Unknown fields are ignored, as the format promises."""

    class Meta:
        unknown = EXCLUDE


class EmployerSchema(_Lenient):
    name = _text(300, allow_none=True)
    timezone = TimeZoneName(allow_none=True)
    mailing_address = _text(500, allow_none=True)


class HiringManagerSchema(_Lenient):
    name = _text(200, allow_none=True)
    email = fields.Email(allow_none=True)
    ok_to_call = fields.Boolean(allow_none=True)


class RecruiterSchema(_Lenient):
    id = ExternalId()
    name = _text(200, allow_none=True)
    email = fields.Email(required=True)
    timezone = TimeZoneName(allow_none=True)


class CandidateSchema(_Lenient):
    id = ExternalId(required=True)
    first_name = _text(200, allow_none=True)
    last_name = _text(200, allow_none=True)
    email = fields.Email()
    timezone = TimeZoneName(allow_none=True)


class ApplicationSchema(_Lenient):
    id = ExternalId(required=True)
    job_title = _text(300, allow_none=True)
    employer = fields.Nested(EmployerSchema)
    hiring_manager = fields.Nested(HiringManagerSchema, allow_none=True)
    decision_deadline = fields.Date(allow_none=True)
    recruiter = fields.Nested(RecruiterSchema, allow_none=True)


class InterviewerSchema(_Lenient):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(allow_none=True)
    title = _text(200, allow_none=True)


class InterviewSchema(_Lenient):
    id = ExternalId(required=True)
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    location = _text(300, allow_none=True)
    interviewers = fields.List(fields.Nested(InterviewerSchema))


class EventDataSchema(_Lenient):
    candidate = fields.Nested(CandidateSchema, required=True)
    application = fields.Nested(ApplicationSchema, required=True)
    interview = fields.Nested(InterviewSchema)


class EventSchema(_Lenient):
    """One canonical event; `load` returns it with absent fields left out."""

    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    timestamp = fields.AwareDateTime(required=True)
    data = fields.Nested(EventDataSchema, required=True)

    @validates_schema
    def check_event_needs(self, event: dict[str, Any], **kwargs: Any) -> None:
        """Apply the per-type requirements of the format."""
        kind, data = event["type"], event["data"]
        if not kind.startswith("interview."):
            return
        interview = data.get("interview")
        if interview is None:
            raise ValidationError(
                {"data": {"interview": ["Required for interview events."]}}
            )
        if kind in ("interview.scheduled", "interview.rescheduled"):
            _require_schedule(data, interview)


def _require_schedule(data: dict[str, Any], interview: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    for name in ("starts_at", "ends_at"):
        if name not in interview:
            errors.setdefault("interview", {})[name] = ["Required when scheduling."]
    if "email" not in data["candidate"]:
        errors["candidate"] = {"email": ["Required when scheduling."]}
    if not errors and interview["ends_at"] <= interview["starts_at"]:
        errors["interview"] = {"ends_at": ["Must be after starts_at."]}
    if errors:
        raise ValidationError({"data": errors})
