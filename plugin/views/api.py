"""The JSON API under /api/: the dashboard's data, for programs, with bearer tokens.

The route declarations below are also the OpenAPI document at /openapi.json.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from functools import wraps
from typing import Any, TypeVar

from flask import Response, abort, g, request

from plugin import clock
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.models import Actor, Application, User
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
from plugin.views.json_bodies import ApiBlueprint, BadInput

Answer = tuple[Response, int]
View = TypeVar("View", bound=Callable[..., Any])


bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api",
    description="The dashboard's data for programs; every call needs a bearer token.",
)

# What each refusal means; every one comes in the error shape.
REFUSALS = {
    400: "The body is not JSON.",
    401: "No valid bearer token, or its user is disabled.",
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
    if user.is_disabled:
        return error_response(
            401,
            "user_disabled",
            "The token's user is disabled; an operator can enable them.",
            {"Authorization": ["The token's user is disabled."]},
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
    actions.pause(found, until, Actor.staff(_user()))
    return preview_application(found)


@bp.post(f"{APPLICATION}/resume")
@refusals(404)
@bp.response(200, ApplicationDetail)
def resume(application_id: int) -> dict[str, Any]:
    """Resume the cadence."""
    found = _visible(application_id)
    actions.resume(found, Actor.staff(_user()))
    return preview_application(found)


@bp.put(f"{APPLICATION}/deadline")
@refusals(404, 400, 422)
@bp.arguments(DeadlineInput)
@bp.response(200, ApplicationDetail)
def put_deadline(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Set or clear (with null) the employer's decision deadline."""
    found = _visible(application_id)
    set_decision_deadline(
        found, data["decision_deadline"], "recruiter", Actor.staff(_user())
    )
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
