"""What several blueprints share: error bodies, signed-link pages, signed-in staff."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from plugin.extensions import db
from plugin.mail.language import speak_to
from plugin.mail.links import PLAN_PAGE, BadLink, read_token
from plugin.models import Application, User

Page = tuple[str, int] | BaseResponse
View = TypeVar("View", bound=Callable[..., Any])


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> tuple[Response, int]:
    """The one shape of every error body: code, message and the fields at fault."""
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


class LinkProblem(Exception):
    """A plan link that cannot be used; shown as a friendly page."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


def link_problem(problem: LinkProblem) -> tuple[str, int]:
    """A page that explains, and never shows anyone's data."""
    return render_template("plan/problem.html", problem=problem), problem.status


def application_for(token: str, purpose: str = PLAN_PAGE) -> Application:
    """The application a link grants, or a LinkProblem."""
    try:
        application_id = read_token(purpose, token)
    except BadLink as bad:
        if bad.expired:
            raise LinkProblem(
                410,
                gettext("This link has expired"),
                gettext(
                    "For your privacy, links stop working after a while. "
                    "Your recruiter can send you a fresh one."
                ),
            ) from bad
        raise LinkProblem(
            404,
            gettext("This link doesn't work"),
            gettext(
                "It may have been copied only in part. Try the link in "
                "your most recent email."
            ),
        ) from bad
    application = db.session.get(Application, application_id)
    if application is None or application.candidate.forgotten_at is not None:
        raise LinkProblem(
            410,
            gettext("There is nothing here any more"),
            gettext("The details this link pointed to have been erased."),
        )
    speak_to(application.candidate)
    return application


def current_user() -> User | None:
    """The user of this browser session, if signed in and allowed."""
    if "user" not in g:
        user_id = session.get("user_id")
        g.user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    user: User | None = g.user
    return user


def signed_in_user() -> User:
    """The user of a view behind `login_required`."""
    user = current_user()
    assert user is not None  # login_required ran first
    return user


def login_required(view: View) -> View:
    """Send anyone not signed in to the sign-in page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def clear_session() -> None:
    """End the browser session, and what this request cached from it."""
    session.clear()
    g.pop("csrf_token", None)
    g.pop("user", None)
