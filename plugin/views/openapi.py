"""The OpenAPI document at /openapi.json, generated from the routes it describes.

The JSON API's blueprint documents itself (flask-smorest). Webhooks and the health
check stay plain Flask views: a webhook body must not be parsed before its signature
is checked, so their operations are described here and attached to their own URL
rules, never to argument parsing.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from plugin.schemas.answers import HealthAnswer, WebhookAnswer, WebhookPreview
from plugin.schemas.api import ErrorOutput
from webhooks import WebhookSource, all_sources
from webhooks.schema import EventSchema

SETTINGS = {
    "API_TITLE": "Follow-Up Coach API",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.0.3",
    # Served at exactly /openapi.json, and no documentation UI (no third-party
    # scripts on our pages).
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
}


class DescribedApi(Api):
    """flask-smorest's Api, minus its app-wide error handler and default error body.

    Error bodies keep our own shape and browser pages keep their HTML error pages
    (`plugin.views.errors`); each operation documents the refusals it gives.
    """

    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ErrorOutput

    def _register_error_handlers(self) -> None:
        """Leave every error answer to `plugin.views.errors`."""

    def _register_pagination_header(self) -> None:
        """Nothing here is paginated: keep its schema out of the document."""


def register(app: Flask, api_blueprint: Any) -> DescribedApi:
    """Serve /openapi.json on `app`, describing the API blueprint and the webhooks."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = DescribedApi(app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(api_blueprint)
    describe_webhooks(api, app)
    describe_health(api, app)
    describe_metrics(api, app)
    return api


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ErrorOutput}},
    }


def _json(description: str, schema: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


SIGNATURE_HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The delivery's id; the same on the sender's retries.",
        "schema": {"type": "string", "maxLength": 200},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Unix time of sending; refused when over 5 minutes off.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` entries, "
        "space-separated.",
        "schema": {"type": "string"},
    },
]

WEBHOOK_REFUSALS = {
    "400": _error("The body is not JSON."),
    "401": _error("Missing or bad signature, or a timestamp over 5 minutes off."),
    "404": _error("No such source."),
    "413": _error("The body is over the size limit (256 KiB by default)."),
    "422": _error("The event breaks the schema; `fields` names each path at fault."),
    "429": _error(
        "Over RATE_LIMIT_WEBHOOKS for this source; retry after `Retry-After` seconds."
    ),
}


def _webhook_operation(summary: str, answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "tags": ["webhooks"],
        "security": [],  # signed by the sender instead
        "parameters": SIGNATURE_HEADERS,
        "requestBody": {
            "required": True,
            "description": "For `standard`, a canonical event (docs/events.md); "
            "for a vendor's source, that vendor's payload.",
            "content": {"application/json": {"schema": EventSchema}},
        },
        "responses": {**answers, **WEBHOOK_REFUSALS},
    }


def describe_webhooks(api: DescribedApi, app: Flask) -> None:
    """Document `POST /webhooks/{source_name}` and its `/preview` twin."""
    source = {
        "name": "source_name",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": webhook_source_names()},
    }
    receive = _webhook_operation(
        "Take one delivery from an ATS: store it, queue it, answer fast",
        {
            "202": _json("Accepted: stored and queued.", WebhookAnswer),
            "200": _json("A delivery seen before; no second effect.", WebhookAnswer),
            "503": _error("The event could not be stored; the sender retries."),
        },
    )
    preview = _webhook_operation(
        "The plan a delivery would make; nothing is stored or sent",
        {"200": _json("The plan, per application.", WebhookPreview)},
    )
    for endpoint, operation in (("receive", receive), ("preview", preview)):
        api.spec.path(
            rule=_rule(app, f"webhooks.{endpoint}"),
            operations={"post": operation},
            parameters=[source],
        )
    api.spec.tag({"name": "webhooks", "description": "Signed deliveries from an ATS."})


def webhook_source_names() -> list[str]:
    """The sources that take webhooks (pull-only sources have no URL)."""
    return [s.name for s in all_sources() if isinstance(s, WebhookSource)]


def describe_health(api: DescribedApi, app: Flask) -> None:
    """Document `GET /healthz`."""
    answer = "The overall status and each check's."
    api.spec.path(
        rule=_rule(app, "health.healthz"),
        operations={
            "get": {
                "summary": "Readiness: ok, degraded (failed or stuck work) or down.",
                "tags": ["health"],
                "security": [],
                "responses": {
                    "200": _json(answer, HealthAnswer),
                    "503": _json(
                        f"{answer} The database, its migrations or Redis is down.",
                        HealthAnswer,
                    ),
                },
            }
        },
    )


def describe_metrics(api: DescribedApi, app: Flask) -> None:
    """Document `GET /metrics`, guarded by its own token rather than a user's."""
    api.spec.path(
        rule=_rule(app, "metrics.metrics"),
        operations={
            "get": {
                "summary": "Counters and the state of the work, for a Prometheus "
                "scrape. Open while METRICS_TOKEN is unset; once set, send it as "
                "`Authorization: Bearer <METRICS_TOKEN>`.",
                "tags": ["health"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "Prometheus text format; every name starts "
                        "with `followup_`.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "401": _error("METRICS_TOKEN is set and was not sent."),
                },
            }
        },
    )


def _rule(app: Flask, endpoint: str) -> Any:
    return next(app.url_map.iter_rules(endpoint))
