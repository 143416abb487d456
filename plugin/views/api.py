"""The JSON API under /api/: the dashboard's data, for programs, with bearer tokens.

The route declarations below are also the OpenAPI document at /openapi.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, time
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import Request, Response, abort, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

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
from plugin.operations.suppressions import suppress
from plugin.schemas.api import (
    ApplicationDetail,
    ApplicationList,
    DeadlineInput,
    DigestOutput,
    ErrorOutput,
    PauseInput,
    SuppressionInput,
    SuppressionOutput,
)
from plugin.views.common import error_response
from webhooks.fields import flatten_errors

Answer = tuple[Response, int]
View = TypeVar("View", bound=Callable[..., Any])


class BadInput(Exception):
    """A request body we refuse, with the fields named (422 unless it is not JSON)."""

    def __init__(
        self,
        fields: dict[str, list[str]],
        status: int = 422,
        code: str = "invalid_input",
        message: str = "The request body breaks the schema.",
    ):
        super().__init__(message)
        self.fields, self.status, self.code, self.message = (
            fields,
            status,
            code,
            message,
        )


class BodyParser(FlaskParser):
    """webargs' parser, refusing bodies in our error shape instead of its own."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except RecursionError as exc:
            raise _not_json("JSON nested too deeply.") from exc
        except json.JSONDecodeError:
            raise  # webargs reads an empty body as "no body"
        except ValueError as exc:  # e.g. a number of over 4,300 digits
            raise _not_json("Not a JSON document.") from exc

    def _handle_invalid_json_error(self, error: Exception, *args: Any) -> NoReturn:
        raise _not_json("Not a JSON document.") from error

    def pre_load(
        self, location_data: Any, *, schema: Schema, req: Request, location: str
    ) -> Any:
        if not isinstance(location_data, Mapping):
            raise BadInput({"body": ["Send a JSON object."]})
        return location_data

    def handle_error(
        self, error: ValidationError, *args: Any, **kwargs: Any
    ) -> NoReturn:
        # webargs files the messages under their location ("json"); ours name
        # paths in the body alone.
        messages = error.messages
        if isinstance(messages, dict):
            messages = messages.get("json", messages)
        raise BadInput(flatten_errors(messages)) from error


def _not_json(why: str) -> BadInput:
    return BadInput({"body": [why]}, 400, "invalid_json", "The body is not JSON.")


class ApiBlueprint(Blueprint):
    """A documented blueprint whose bodies are parsed by `BodyParser`."""

    ARGUMENTS_PARSER = BodyParser()


bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api",
    description="The dashboard's data for programs; every call needs a bearer token.",
)

# What each refusal means; every one comes in the error shape.
REFUSALS = {
    400: "The body is not JSON.",
    401: "No valid bearer token.",
    403: "The token is not an admin's.",
    404: "No such application for this user.",
    422: "The body breaks the schema; `fields` names each field at fault.",
}


def refusals(*statuses: int) -> Callable[[View], View]:
    """Document the refusals an operation may answer with (401 for all of them)."""
    content = {"application/json": {"schema": ErrorOutput}}
    return bp.doc(
        responses={
            str(status): {"description": REFUSALS[status], "content": content}
            for status in sorted({401, *statuses})
        }
    )


# Ids are 32-bit integer columns: a larger one names nothing (a 404, not a 500 from
# PostgreSQL), and the document says so.
APPLICATION = "/applications/<int(max=2147483647):application_id>"


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
@refusals()
@bp.response(200, ApplicationList)
def list_applications() -> dict[str, Any]:
    """Active applications with their next step."""
    rows = [{**row, "id": row["application"].id} for row in application_rows(_user())]
    return {"applications": rows}


@bp.get(APPLICATION)
@refusals(404)
@bp.response(200, ApplicationDetail)
def get_application(application_id: int) -> dict[str, Any]:
    """An application's steps and timeline."""
    return preview_application(_visible(application_id))


@bp.post(f"{APPLICATION}/pause")
@refusals(404, 400, 422)
@bp.arguments(PauseInput, required=False)
@bp.response(200, ApplicationDetail)
def pause(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Pause the cadence, until a date or until resumed."""
    found = _visible(application_id)
    until = None
    if data["until"] is not None:
        until = datetime.combine(data["until"], time(0), zone_of(found, firm_policy()))
    actions.pause(found, until, who="recruiter")
    return preview_application(found)


@bp.post(f"{APPLICATION}/resume")
@refusals(404)
@bp.response(200, ApplicationDetail)
def resume(application_id: int) -> dict[str, Any]:
    """Resume the cadence."""
    found = _visible(application_id)
    actions.resume(found, who="recruiter")
    return preview_application(found)


@bp.put(f"{APPLICATION}/deadline")
@refusals(404, 400, 422)
@bp.arguments(DeadlineInput)
@bp.response(200, ApplicationDetail)
def put_deadline(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Set or clear (with null) the employer's decision deadline."""
    found = _visible(application_id)
    set_decision_deadline(found, data["decision_deadline"], "recruiter")
    replan(found, firm_policy())
    db.session.commit()
    return preview_application(found)


@bp.get("/digest")
@refusals()
@bp.response(200, DigestOutput)
def get_digest() -> dict[str, Any]:
    """Today's digest, most urgent first (empty for a user who is not a recruiter)."""
    recruiter = recruiter_of(_user())
    if recruiter is None:
        return {"local_date": clock.now().date(), "total": 0, "sections": []}
    content = build_digest(recruiter, clock.now())
    sections = [
        {"key": key, "title": title, "items": items}
        for key, title, items in content.ordered()
    ]
    return {
        "local_date": content.local_date,
        "total": content.total,
        "sections": sections,
    }


def admin_only(view: View) -> View:
    """Refuse a token that is not an admin's, before its body is even read."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _user().is_admin:
            return error_response(
                403,
                "forbidden",
                "Only an admin's token may do this.",
                {"Authorization": ["Not an admin's token."]},
            )
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@bp.post("/suppressions")
@admin_only
@refusals(400, 403, 422)
@bp.arguments(SuppressionInput)
@bp.response(201, SuppressionOutput, description="Added to the list now.")
@bp.alt_response(
    200, schema=SuppressionOutput, description="On the list already.", success=True
)
def add_suppression(data: dict[str, Any]) -> tuple[dict[str, str], int]:
    """Never email this candidate address again (a bounce or complaint handler)."""
    try:
        added = suppress(data["email"], data["reason"])
    except ValueError as exc:  # an address the list cannot normalise
        raise BadInput({"email": [str(exc)]}) from exc
    if added:
        return {"status": "added"}, 201
    return {"status": "already_suppressed"}, 200


@bp.errorhandler(BadInput)
def bad_input(exc: BadInput) -> Answer:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(404)
def not_found(exc: Exception) -> Answer:
    return error_response(
        404,
        "not_found",
        "No such application for this user.",
        {"application_id": ["Not found."]},
    )


def _user() -> User:
    user: User = g.api_user
    return user


def _visible(application_id: int) -> Application:
    found = application_for_user(_user(), application_id)
    if found is None:
        abort(404)
    return found
