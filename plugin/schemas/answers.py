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


CHECK_STATES = ("ok", "degraded", "down", "not configured", "skipped")


class HealthCheck(Schema):
    """One check: its status, why, and the counts or ages it looked at."""

    class Meta:
        # Each check adds its own counts: `failed_events`, `last_tick_age_seconds`...
        unknown = INCLUDE

    status = fields.String(
        required=True,
        validate=validate.OneOf(CHECK_STATES),
    )
    detail = fields.String(metadata={"description": "What is wrong, and what to do."})


class HealthAnswer(Schema):
    """`down` (503): the database, its migrations or Redis; `degraded` (200): work."""

    status = fields.String(
        required=True, validate=validate.OneOf(("ok", "degraded", "down"))
    )
    checks = fields.Dict(
        keys=fields.String(
            validate=validate.OneOf(
                ("database", "migrations", "redis", "work", "tick", "mail", "sources")
            )
        ),
        values=fields.Nested(HealthCheck),
        required=True,
    )
