"""`POST /webhooks/<source>`: verify, validate, store, queue, answer fast.

The request does no network I/O but the database and the queue. `accept` does the
work from the headers and the raw body alone, without Flask's request: the intake
(`plugin/views/intake.py`) serves a known source's deliveries with it ahead of
Flask, and the route below serves the rest (an unknown source's 404, a GET's 405).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream, get_content_length

from plugin import clock
from plugin.extensions import db
from plugin.extensions.limits import take
from plugin.extensions.metrics import count_webhook
from plugin.extensions.queues import EVENTS_QUEUE, PROCESS_INBOX_EVENT, enqueue
from plugin.models import InboxEvent, store_once
from plugin.operations.preview import preview_event
from plugin.views.common import (
    error_body,
    error_response,
    rate_limited_body,
    too_many_requests,
)
from webhooks import (
    Delivery,
    IgnoredEvent,
    PayloadError,
    SignatureError,
    SourceUnavailable,
    WebhookSource,
    push_source,
)
from webhooks.fields import text_problem

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)


@dataclass(frozen=True)
class Answer:
    """What a delivery gets back: a status, a JSON body and any extra headers."""

    status: int
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = ()

    def response(self) -> tuple[Response, int]:
        response = jsonify(self.body)
        response.headers.extend(self.headers)
        return response, self.status


@dataclass(frozen=True)
class CheckedDelivery:
    """A delivery that passed every check the request path makes."""

    source: WebhookSource
    delivery_id: str
    event_type: str
    payload: Any
    body: bytes


class Refused(Exception):
    """A delivery turned away, with the answer to give."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]]
    ):
        super().__init__(message)
        self.answer = Answer(status, error_body(code, message, fields))


@bp.post("/webhooks/<source_name>")
def receive(source_name: str) -> tuple[Response, int]:
    """Take one delivery from an ATS source: store it, queue it, answer fast.

    In the app, the intake answers a known source's deliveries with the same
    `accept` before Flask sees them, so what reaches this route is mostly an
    unknown source's; a known one gets the same answer here as there.
    """
    source = push_source(source_name)
    if source is None:
        return unknown_source(source_name).answer.response()
    return accept(source, _request_headers(), _read_body()).response()


def accept(source: WebhookSource, headers: Mapping[str, str], body: bytes) -> Answer:
    """Check one delivery (`headers` by lower-case name), store it once, queue it.

    Needs an app context, not a request.
    """
    try:
        checked = _check_delivery(source, headers, body)
    except Refused as refused:
        return refused.answer
    immediate = checked.source.answer_now(checked.payload)
    if immediate is not None:
        # A setup probe: answered at once, stored nowhere.
        return Answer(200, immediate)
    wait = _over_allowance(checked)
    if wait is not None:
        return Answer(429, rate_limited_body(wait), (("Retry-After", str(wait)),))
    return _store_and_queue(checked)


def count_answer(source_name: str, status: int) -> None:
    """Count one delivery's answer by source; unknown names share one label."""
    # Any path is a source name to a sender: keep the label set bounded.
    count_webhook(source_name if push_source(source_name) else "unknown", status)


@bp.after_request
def count_route_answer(response: Response) -> Response:
    """Count the answers of deliveries that reached the route (unknown sources)."""
    if request.endpoint == "webhooks.receive":
        count_answer(
            (request.view_args or {}).get("source_name", ""), response.status_code
        )
    return response


@bp.post("/webhooks/<source_name>/preview")
def preview(source_name: str) -> tuple[Response, int]:
    """Answer with the plan this delivery would make; store and send nothing."""
    source = push_source(source_name)
    try:
        if source is None:
            raise unknown_source(source_name)
        checked = _check_delivery(source, _request_headers(), _read_body())
    except Refused as refused:
        return refused.answer.response()
    wait = _over_allowance(checked)
    if wait is not None:
        return too_many_requests(wait)
    try:
        previews = preview_event(checked.source, checked.payload)
    except IgnoredEvent as ignored:
        return jsonify(applications=[], ignored=ignored.reason), 200
    except SourceUnavailable as exc:
        # The source had to ask its vendor (a thin payload) and the vendor failed.
        log.warning("preview for %s: %s", source_name, exc)
        return error_response(
            503, "source_unavailable", "The source's API could not be reached."
        )
    return jsonify(applications=previews), 200


def _over_allowance(checked: CheckedDelivery) -> int | None:
    """Seconds to wait when the source sent more than RATE_LIMIT_WEBHOOKS allows.

    Counted only once the signature is proven, so that nobody without the secret can
    use up a vendor's allowance; a vendor's setup ping never counts.
    """
    if checked.event_type in checked.source.setup_pings:
        return None
    limit = current_app.config["RATE_LIMIT_WEBHOOKS"]
    return take("webhooks_per_source", limit, checked.source.name)


def unknown_source(source_name: str) -> Refused:
    """The 404 for a name that is no source of ours."""
    return Refused(
        404,
        "unknown_source",
        f"No source called {source_name!r}.",
        {"source": ["Unknown webhook source."]},
    )


def _check_delivery(
    source: WebhookSource, headers: Mapping[str, str], body: bytes
) -> CheckedDelivery:
    """Verify the signature on the raw bytes, then parse and validate (no I/O)."""
    delivery = Delivery(headers=headers, body=body, received_at=clock.now())
    try:
        source.verify(delivery, current_app.config[source.secrets_setting])
        delivery_id = source.delivery_id(delivery)
    except SignatureError as exc:
        log.info("webhook %s refused: %s", source.name, exc)
        raise Refused(
            401, "invalid_signature", str(exc), {"webhook-signature": [str(exc)]}
        ) from exc
    if text_problem(delivery_id):
        # Proven by the signature, yet not storable (a NUL byte): a 400, not a 503.
        raise Refused(
            400,
            "invalid_delivery_id",
            "The delivery id cannot be stored.",
            {"webhook-id": [str(text_problem(delivery_id))]},
        )
    payload = _parse_json(delivery.body)
    try:
        event_type = source.validate(payload)
    except PayloadError as exc:
        raise Refused(
            422, "invalid_event", "The event breaks the schema.", exc.fields
        ) from exc
    return CheckedDelivery(source, delivery_id, event_type, payload, delivery.body)


def _request_headers() -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


def _read_body() -> bytes:
    return read_body(request.environ, request.max_content_length)


def read_body(environ: dict[str, Any], limit: int | None) -> bytes:
    """The exact bytes received; a body over `limit` is 413, chunked ones too.

    Raises RequestEntityTooLarge, or ClientDisconnected (a 400) when the sender
    stopped before the Content-Length it announced.
    """
    stream = environ["wsgi.input"]
    length = get_content_length(environ)
    if length is not None:
        if limit is not None and length > limit:
            raise RequestEntityTooLarge()
        return LimitedStream(stream, length).read()
    if "wsgi.input_terminated" not in environ:
        # No length and a server that does not end the stream: nothing is safe to
        # read (werkzeug's answer too).
        return b""
    # Chunked: the server ends the stream. Read to the limit; a byte left over
    # means the body was longer.
    if limit is None:
        return bytes(stream.read())
    body = bytes(stream.read(limit))
    if len(body) >= limit and stream.read(1):
        raise RequestEntityTooLarge()
    return body


def _parse_json(body: bytes) -> Any:
    """Parse the body, or refuse it with a 400 that says why."""
    try:
        return json.loads(body)
    except RecursionError as exc:
        raise Refused(
            400,
            "invalid_json",
            "The body is nested too deeply.",
            {"body": ["JSON nested too deeply."]},
        ) from exc
    # Not UTF-8, not JSON, or a number of over 4,300 digits (Python refuses those).
    except ValueError as exc:
        raise Refused(
            400,
            "invalid_json",
            "The body is not JSON.",
            {"body": ["Not a JSON document."]},
        ) from exc


def _store_and_queue(checked: CheckedDelivery) -> Answer:
    """Store the delivery once per (source, delivery id), then queue its processing.

    An accepted delivery costs one round trip to the database (an INSERT that
    commits by itself), then one to Redis.
    """
    source, delivery_id = checked.source, checked.delivery_id
    try:
        event_id = _insert_once(checked)
    except SQLAlchemyError as exc:
        log.error("webhook %s could not be stored: %s", source.name, type(exc).__name__)
        message = "The event could not be stored; please retry."
        return Answer(503, error_body("storage_unavailable", message))
    if event_id is None:
        # A retry of a delivery already stored (or racing its first attempt, which
        # the unique key made wait for): answered 200, stored once.
        return Answer(
            200, {"status": "duplicate", "id": _known_delivery(source, delivery_id)}
        )
    enqueue(
        EVENTS_QUEUE, PROCESS_INBOX_EVENT, event_id, job_id=f"inbox-event-{event_id}"
    )
    return Answer(source.accepted_status, {"status": "accepted", "id": event_id})


def _insert_once(checked: CheckedDelivery) -> int | None:
    """Store the delivery; its new id, or None if it was already stored.

    A pooled connection the server dropped since its last use fails before anything
    is stored (or after: the retry then finds the row); it is tried once more on a
    fresh connection.
    """
    source, delivery_id = checked.source.name, checked.delivery_id
    try:
        return store_once(source, delivery_id, checked.event_type, checked.body)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    return store_once(source, delivery_id, checked.event_type, checked.body)


def _known_delivery(source: WebhookSource, delivery_id: str) -> int | None:
    """The id of the stored delivery a duplicate repeats (None if it is unreadable)."""
    try:
        known = db.session.scalar(
            select(InboxEvent.id).filter_by(source=source.name, delivery_id=delivery_id)
        )
        db.session.commit()
        return known
    except SQLAlchemyError:
        db.session.rollback()
        return None
