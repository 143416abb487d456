"""What the endpoints outside /api/ answer: webhooks and the health check.

These schemas only describe answers in the OpenAPI document; the views build them.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate


class WebhookAnswer(Schema):
    """A delivery taken (202, `accepted`) or one seen before (200, `duplicate`)."""

    status = fields.String(
        required=True, validate=validate.OneOf(("accepted", "duplicate"))
    )
    id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Inbox event id."}
    )


class WebhookPreview(Schema):
    """The plan a delivery would make, per application it touches."""

    class Meta:
        # A preview may explain itself with more keys than the plan.
        unknown = INCLUDE

    applications = fields.List(fields.Dict(), required=True)


class PullSourceHealth(Schema):
    """A pull source's connection, and how long ago it last polled well."""

    state = fields.String(required=True)
    last_good_poll_age_seconds = fields.Integer(required=True, allow_none=True)


class HealthAnswer(Schema):
    """Each dependency's state: `ok`, `not configured` or `error: <kind>`."""

    status = fields.String(
        required=True, validate=validate.OneOf(("ok", "unavailable"))
    )
    database = fields.String(required=True)
    redis = fields.String(required=True)
    mail = fields.String(
        required=True,
        metadata={"description": "An error when the mail server refused our sender."},
    )
    sources = fields.Dict(
        keys=fields.String(), values=fields.Nested(PullSourceHealth), required=True
    )
