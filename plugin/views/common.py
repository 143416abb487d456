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

# People read these pages in a browser; everything else is spoken to in JSON.
PAGE_PREFIXES = ("/dashboard", "/login", "/logout", "/plan/", "/unsubscribe/")
View = TypeVar("View", bound=Callable[..., Any])


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> tuple[Response, int]:
    """The one shape of every error answer: code, message and the fields at fault."""
    return jsonify(error_body(code, message, fields)), status


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The body of an error answer (`error_response` for a view's)."""
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return body


def rate_limited_body(retry_after: int) -> dict[str, Any]:
    """The JSON body of a 429 (its Retry-After header says the same)."""
    message = f"Too many requests; try again in {retry_after} seconds."
    return error_body("rate_limited", message)


# Answered by the error handlers and by the webhook intake alike.
TOO_LARGE = error_body(
    "payload_too_large",
    "The body is over the size limit.",
    {"body": ["Larger than the size limit."]},
)
INTERNAL_ERROR = error_body("internal_error", "Something went wrong on our side.")


def too_many_requests(retry_after: int) -> tuple[Response, int]:
    """A 429 that says when to come back: a page for people, JSON for programs."""
    if request.path.startswith(PAGE_PREFIXES):
        page = render_template(
            "error.html",
            status=429,
            title=gettext("Too many tries"),
            retry_after=retry_after,
        )
        response = Response(page, status=429, mimetype="text/html")
    else:
        response = jsonify(rate_limited_body(retry_after))
    response.headers["Retry-After"] = str(retry_after)
    return response, 429


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
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        g.user = user if user is not None and session_is_live(user) else None
    found: User | None = g.user
    return found


def start_session(user: User) -> None:
    """Sign the browser in as `user`, as of the user's current session version."""
    clear_session()
    session["user_id"] = user.id
    session["session_version"] = user.session_version


def session_is_live(user: User) -> bool:
    """False once the user is disabled or their sessions were revoked since."""
    # Sessions from before versions existed carry none: they count as version 0.
    started_as = session.get("session_version", 0)
    return not user.is_disabled and started_as == user.session_version


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
