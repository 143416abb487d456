"""The JSON API under /api/: the dashboard's data, for programs, with bearer tokens.

Described by an OpenAPI document at /openapi.json, generated from the schemas.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, abort, g, jsonify, request
from marshmallow import ValidationError

from plugin import clock
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.models import Application, User
from plugin.models.zones import zone_of
from plugin.operations import actions
from plugin.operations.accounts import (
    application_for_user,
    recruiter_of,
    user_for_api_token,
)
from plugin.operations.applications import application_rows
from plugin.operations.digest import build_digest
from plugin.operations.planning import replan, set_decision_deadline
from plugin.operations.preview import preview_application
from plugin.schemas.api import (
    ApplicationDetail,
    ApplicationList,
    DeadlineInput,
    DigestOutput,
    ErrorOutput,
    PauseInput,
)
from plugin.views.common import error_response
from webhooks.fields import flatten_errors

bp = Blueprint("api", __name__, url_prefix="/api")

Answer = tuple[Response, int]


@bp.before_request
def authenticate() -> Answer | None:
    """Every API call carries `Authorization: Bearer <token>`."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return error_response(
            401,
            "unauthorized",
            "A valid bearer token is required.",
            {"Authorization": ["Missing or unknown token."]},
        )
    g.api_user = user
    return None


@bp.get("/applications")
def list_applications() -> Answer:
    """The caller's active applications, each with its next step."""
    rows = [{**row, "id": row["application"].id} for row in application_rows(_user())]
    return jsonify(ApplicationList().dump({"applications": rows})), 200


@bp.get("/applications/<int:application_id>")
def get_application(application_id: int) -> Answer:
    """One application's steps and timeline."""
    return jsonify(
        ApplicationDetail().dump(preview_application(_visible(application_id)))
    ), 200


@bp.post("/applications/<int:application_id>/pause")
def pause(application_id: int) -> Answer:
    """Pause the cadence, until a date or until resumed."""
    found = _visible(application_id)
    data = _load(PauseInput(), request.get_json(silent=True) or {})
    until = None
    if data["until"] is not None:
        until = datetime.combine(data["until"], time(0), zone_of(found, firm_policy()))
    actions.pause(found, until, who="recruiter")
    return get_application(application_id)


@bp.post("/applications/<int:application_id>/resume")
def resume(application_id: int) -> Answer:
    """Resume the cadence."""
    actions.resume(_visible(application_id), who="recruiter")
    return get_application(application_id)


@bp.put("/applications/<int:application_id>/deadline")
def put_deadline(application_id: int) -> Answer:
    """Set (or clear, with null) the employer's decision deadline."""
    found = _visible(application_id)
    data = _load(DeadlineInput(), request.get_json(silent=True))
    set_decision_deadline(found, data["decision_deadline"], "recruiter")
    replan(found, firm_policy())
    db.session.commit()
    return get_application(application_id)


@bp.get("/digest")
def get_digest() -> Answer:
    """Today's digest for the caller (empty for a user who is not a recruiter)."""
    recruiter = recruiter_of(_user())
    if recruiter is None:
        return jsonify(
            DigestOutput().dump(
                {"local_date": clock.now().date(), "total": 0, "sections": []}
            )
        ), 200
    content = build_digest(recruiter, clock.now())
    sections = [
        {"key": key, "title": title, "items": items}
        for key, title, items in content.ordered()
    ]
    return jsonify(
        DigestOutput().dump(
            {
                "local_date": content.local_date,
                "total": content.total,
                "sections": sections,
            }
        )
    ), 200


class BadInput(Exception):
    """A request body that breaks its schema (422 with the fields named)."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("invalid input")
        self.fields = fields


@bp.errorhandler(BadInput)
def bad_input(exc: BadInput) -> Answer:
    return error_response(
        422, "invalid_input", "The request body breaks the schema.", exc.fields
    )


@bp.errorhandler(404)
def not_found(exc: Exception) -> Answer:
    return error_response(
        404,
        "not_found",
        "No such application for this user.",
        {"application_id": ["Not found."]},
    )


def _load(schema: Any, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadInput({"body": ["Send a JSON object."]})
    try:
        return dict(schema.load(payload))
    except ValidationError as exc:
        raise BadInput(flatten_errors(exc.messages)) from exc


def _user() -> User:
    user: User = g.api_user
    return user


def _visible(application_id: int) -> Application:
    found = application_for_user(_user(), application_id)
    if found is None:
        abort(404)
    return found


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 description of this API, built from the marshmallow schemas."""
    spec = APISpec(
        title="Follow-Up Coach API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in (
        ("ApplicationList", ApplicationList),
        ("ApplicationDetail", ApplicationDetail),
        ("PauseInput", PauseInput),
        ("DeadlineInput", DeadlineInput),
        ("DigestOutput", DigestOutput),
        ("Error", ErrorOutput),
    ):
        spec.components.schema(name, schema=schema)
    detail = _json_response("ApplicationDetail")
    errors = {"401": _json_response("Error"), "404": _json_response("Error")}
    spec.path(
        path="/api/applications",
        operations={
            "get": {
                "summary": "Active applications with their next step",
                "responses": {
                    "200": _json_response("ApplicationList"),
                    "401": errors["401"],
                },
            }
        },
    )
    spec.path(
        path="/api/applications/{application_id}",
        parameters=[_id_parameter()],
        operations={
            "get": {
                "summary": "An application's steps and timeline",
                "responses": {"200": detail, **errors},
            }
        },
    )
    spec.path(
        path="/api/applications/{application_id}/pause",
        parameters=[_id_parameter()],
        operations={
            "post": {
                "summary": "Pause the cadence",
                "requestBody": _json_body("PauseInput"),
                "responses": {"200": detail, **errors, "422": _json_response("Error")},
            }
        },
    )
    spec.path(
        path="/api/applications/{application_id}/resume",
        parameters=[_id_parameter()],
        operations={
            "post": {
                "summary": "Resume the cadence",
                "responses": {"200": detail, **errors},
            }
        },
    )
    spec.path(
        path="/api/applications/{application_id}/deadline",
        parameters=[_id_parameter()],
        operations={
            "put": {
                "summary": "Set or clear the decision deadline",
                "requestBody": _json_body("DeadlineInput"),
                "responses": {"200": detail, **errors, "422": _json_response("Error")},
            }
        },
    )
    spec.path(
        path="/api/digest",
        operations={
            "get": {
                "summary": "Today's digest, most urgent first",
                "responses": {
                    "200": _json_response("DigestOutput"),
                    "401": errors["401"],
                },
            }
        },
    )
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    return document


def _json_response(schema: str) -> dict[str, Any]:
    return {
        "description": schema,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
        },
    }


def _json_body(schema: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
        },
    }


def _id_parameter() -> dict[str, Any]:
    return {
        "name": "application_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
