"""Schemas of the JSON API: what goes in, what comes out (one per purpose)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from plugin.operations.suppressions import SUPPRESSION_REASONS

#: Dates sent to the API fall in the same years as dates in events (docs/events.md).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class AcceptedDate(fields.Date):
    """A `YYYY-MM-DD` date in the accepted years: later steps add days to it."""

    def __init__(self, **kwargs: Any):
        description = f"YYYY-MM-DD, in the years {EARLIEST_YEAR} to {LATEST_YEAR}."
        super().__init__(metadata={"description": description}, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> date:
        parsed: date = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise ValidationError(
                f"Must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}."
            )
        return parsed


class _Input(Schema):
    class Meta:
        unknown = EXCLUDE


class PauseInput(_Input):
    """Pause a cadence; no date means until resumed."""

    until = AcceptedDate(allow_none=True, load_default=None)


class DeadlineInput(_Input):
    """The employer's decision deadline; null clears it."""

    decision_deadline = AcceptedDate(required=True, allow_none=True)


class SuppressionInput(_Input):
    """An address a mail provider reported as bouncing or complaining."""

    email = fields.Email(required=True, validate=validate.Length(max=320))
    reason = fields.String(required=True, validate=validate.OneOf(SUPPRESSION_REASONS))


class SuppressionOutput(Schema):
    """Whether the address was added now or was on the list already."""

    status = fields.String(
        required=True, validate=validate.OneOf(("added", "already_suppressed"))
    )


class ApplicationSummary(Schema):
    """One active application in a recruiter's list."""

    id = fields.Integer()
    candidate = fields.String()
    role = fields.String()
    recruiter = fields.String(allow_none=True)
    unassigned = fields.Boolean(
        metadata={"description": "No recruiter, or the recruiter is disabled."}
    )
    paused = fields.Boolean()
    heard_back = fields.Boolean()
    next_step = fields.String(allow_none=True)
    next_due = fields.AwareDateTime(allow_none=True)


class ApplicationList(Schema):
    applications = fields.List(fields.Nested(ApplicationSummary))


class StepRow(Schema):
    step = fields.String()
    slot = fields.String()
    status = fields.String()
    due_at = fields.String()
    due_candidate_local = fields.String()
    due_employer_local = fields.String()
    reason = fields.String()


class TimelineRow(Schema):
    at = fields.String()
    kind = fields.String()
    step = fields.String(allow_none=True)
    slot = fields.String(allow_none=True)
    detail = fields.String()
    actor_kind = fields.String(
        allow_none=True,
        metadata={"description": "recruiter, admin, candidate, ats or operator"},
    )
    actor = fields.String(
        allow_none=True, metadata={"description": 'Who acted: "by Dana Reyes (admin)"'}
    )


class ApplicationDetail(Schema):
    """An application's planned and past steps, and its timeline."""

    application = fields.Dict()
    candidate_zone = fields.String()
    employer_zone = fields.String()
    stopped_reason = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepRow))
    declined = fields.List(fields.Dict())
    timeline = fields.List(fields.Nested(TimelineRow))


class DigestItemSchema(Schema):
    application_id = fields.Integer()
    candidate = fields.String()
    role = fields.String()
    detail = fields.String()
    url = fields.String()


class DigestSection(Schema):
    key = fields.String()
    title = fields.String()
    items = fields.List(fields.Nested(DigestItemSchema))


class DigestOutput(Schema):
    """Today's digest, most urgent section first."""

    local_date = fields.Date()
    total = fields.Integer()
    sections = fields.List(fields.Nested(DigestSection))


class ErrorOutput(Schema):
    """The one shape of every error: a code, a message, and the fields at fault."""

    error = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        data_key="fields",
    )
