"""Schemas of the JSON API: what goes in, what comes out (one per purpose)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields


class _Input(Schema):
    class Meta:
        unknown = EXCLUDE


class PauseInput(_Input):
    """Pause a cadence; no date means until resumed."""

    until = fields.Date(allow_none=True, load_default=None)


class DeadlineInput(_Input):
    """The employer's decision deadline; null clears it."""

    decision_deadline = fields.Date(required=True, allow_none=True)


class ApplicationSummary(Schema):
    """One active application in a recruiter's list."""

    id = fields.Integer()
    candidate = fields.String()
    role = fields.String()
    recruiter = fields.String(allow_none=True)
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
    error = fields.String()
    message = fields.String()
    fields_ = fields.Dict(data_key="fields")
