"""JSON error answers: every failure names what was wrong, and none is a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, TooManyRequests

from plugin.extensions.limits import seconds_to_wait
from plugin.views.common import (
    INTERNAL_ERROR,
    PAGE_PREFIXES,
    TOO_LARGE,
    error_response,
    too_many_requests,
)

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Install the handlers on `app`."""
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(TooManyRequests, _rate_limited)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _too_large(exc: RequestEntityTooLarge) -> tuple[Response, int]:
    return jsonify(TOO_LARGE), 413


def _rate_limited(exc: TooManyRequests) -> tuple[Response, int]:
    return too_many_requests(seconds_to_wait())


def _http_error(exc: HTTPException) -> tuple[Response | str, int]:
    status = exc.code or 500
    if request.path.startswith(PAGE_PREFIXES):
        title = _page_title(status, exc.name)
        return render_template("error.html", status=status, title=title), status
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(status, code, exc.description or exc.name)


def _unexpected(exc: Exception) -> tuple[Response | str, int]:
    log.exception("unhandled %s", type(exc).__name__)
    if request.path.startswith(PAGE_PREFIXES):
        title = _page_title(500, "Internal Server Error")
        page = render_template("error.html", status=500, title=title)
        return page, 500
    return jsonify(INTERNAL_ERROR), 500


def _page_title(status: int, name: str) -> str:
    """The page's heading in the reader's language, for the answers people see."""
    titles = {
        400: gettext("Bad request"),
        403: gettext("Not allowed"),
        404: gettext("Not found"),
        405: gettext("Not allowed"),
        410: gettext("Gone"),
        500: gettext("Something went wrong"),
    }
    return titles.get(status, name)
