"""Webhook deliveries answered ahead of Flask's request machinery.

A delivery from a known source is the one request an ATS may send by the thousand.
Flask's request context, URL routing, request hooks and response object cost more
than the work itself (verify, validate, store, queue: `webhooks.accept`), so
`WebhookIntake` serves `POST /webhooks/<source>` for the sources we know from the
WSGI environ, inside an app context, and hands every other request to Flask. The
answer is the same either way: the same JSON body and status, the same security
headers, the same count in `followup_webhooks_total`. An unknown source, a GET, or
the `/preview` twin still go through Flask's route.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from plugin.views import common
from plugin.views.common import error_body
from plugin.views.security import security_headers
from plugin.views.webhooks import Answer, accept, count_answer, read_body
from webhooks import WebhookSource, push_source

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
PREFIX = "/webhooks/"
# The environ names of the two headers the server keeps out of HTTP_*.
UNPREFIXED_HEADERS = {
    "CONTENT_TYPE": "content-type",
    "CONTENT_LENGTH": "content-length",
}

TOO_LARGE = Answer(413, common.TOO_LARGE)
CUT_SHORT = Answer(
    400,
    error_body(
        "incomplete_body",
        "The body ended before its Content-Length.",
        {"body": ["Shorter than its Content-Length."]},
    ),
)
UNEXPECTED = Answer(500, common.INTERNAL_ERROR)


def install(app: Flask) -> None:
    """Put the intake in front of `app`'s WSGI callable."""
    app.wsgi_app = WebhookIntake(app, app.wsgi_app)  # type: ignore[method-assign]


class WebhookIntake:
    """WSGI middleware: a known source's POST goes to `accept`, the rest to Flask."""

    def __init__(self, app: Flask, inner: WSGIApp):
        self.app, self.inner = app, inner

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        source = _posted_source(environ)
        if source is None:
            return self.inner(environ, start_response)
        with self.app.app_context():
            answer = self._answer(source, environ)
            count_answer(source.name, answer.status)
            body = self.app.json.dumps(answer.body).encode() + b"\n"
            headers = [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                *answer.headers,
                *security_headers(environ.get("PATH_INFO", "")),
            ]
        start_response(f"{answer.status} {HTTP_STATUS_CODES[answer.status]}", headers)
        return [body]

    def _answer(self, source: WebhookSource, environ: dict[str, Any]) -> Answer:
        try:
            body = read_body(environ, self.app.config["MAX_CONTENT_LENGTH"])
            return accept(source, _headers(environ), body)
        except RequestEntityTooLarge:
            return TOO_LARGE
        except BadRequest:
            return CUT_SHORT
        except Exception as exc:  # a bug, never the sender's fault: logged, a 500
            log.exception("unhandled %s", type(exc).__name__)
            return UNEXPECTED


def _posted_source(environ: dict[str, Any]) -> WebhookSource | None:
    """The known source a `POST /webhooks/<name>` is for; None for anything else."""
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    path: str = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return None
    return push_source(path[len(PREFIX) :])


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request's headers by lower-case name, as the sources read them."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key, name in UNPREFIXED_HEADERS.items():
        if environ.get(key):
            headers[name] = environ[key]
    return headers
