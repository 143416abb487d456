"""`POST /webhooks/<source>`: verify, validate, store, queue, answer fast.

The request does no network I/O but the database and the queue.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from plugin import clock
from plugin.extensions import db
from plugin.extensions.limits import take
from plugin.extensions.metrics import count_webhook
from plugin.extensions.queues import EVENTS_QUEUE, PROCESS_INBOX_EVENT, enqueue
from plugin.models import InboxEvent, store_once
from plugin.operations.preview import preview_event
from plugin.views.common import error_response, too_many_requests
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
        self.answer = error_response(status, code, message, fields)


@bp.post("/webhooks/<source_name>")
def receive(source_name: str) -> tuple[Response, int]:
    """Take one delivery from an ATS source: store it, queue it, answer fast."""
    try:
        checked = _check_delivery(source_name)
    except Refused as refused:
        return refused.answer
    immediate = checked.source.answer_now(checked.payload)
    if immediate is not None:
        # A setup probe: answered at once, stored nowhere.
        return jsonify(immediate), 200
    wait = _over_allowance(checked)
    if wait is not None:
        return too_many_requests(wait)
    return _store_and_queue(checked)


@bp.after_request
def count_answer(response: Response) -> Response:
    """Count each delivery's answer by source; unknown names share one label."""
    if request.endpoint == "webhooks.receive":
        name = (request.view_args or {}).get("source_name", "")
        # Any path is a source name to a sender: keep the label set bounded.
        count_webhook(name if push_source(name) else "unknown", response.status_code)
    return response


@bp.post("/webhooks/<source_name>/preview")
def preview(source_name: str) -> tuple[Response, int]:
    """Answer with the plan this delivery would make; store and send nothing."""
    try:
        checked = _check_delivery(source_name)
    except Refused as refused:
        return refused.answer
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


def _check_delivery(source_name: str) -> CheckedDelivery:
    """Verify the signature on the raw bytes, then parse and validate (no I/O)."""
    source = push_source(source_name)
    if source is None:
        raise Refused(
            404,
            "unknown_source",
            f"No source called {source_name!r}.",
            {"source": ["Unknown webhook source."]},
        )
    delivery = Delivery(
        headers={name.lower(): value for name, value in request.headers.items()},
        body=_read_body(),
        received_at=clock.now(),
    )
    try:
        source.verify(delivery, current_app.config[source.secrets_setting])
        delivery_id = source.delivery_id(delivery)
    except SignatureError as exc:
        log.info("webhook %s refused: %s", source_name, exc)
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


def _read_body() -> bytes:
    """The exact bytes received; a body over the limit is 413, chunked ones too."""
    body = request.get_data(cache=False)
    limit = request.max_content_length
    # Without a Content-Length, werkzeug stops reading at the limit and hands back
    # the bytes read so far; a byte left in the stream means the body was longer.
    if (
        limit is not None
        and request.content_length is None
        and len(body) >= limit
        and request.input_stream.read(1)
    ):
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


def _store_and_queue(checked: CheckedDelivery) -> tuple[Response, int]:
    """Store the delivery once per (source, delivery id), then queue its processing.

    An accepted delivery costs one round trip to the database (an INSERT that
    commits by itself), then one to Redis.
    """
    source, delivery_id = checked.source, checked.delivery_id
    try:
        event_id = _insert_once(checked)
    except SQLAlchemyError as exc:
        log.error("webhook %s could not be stored: %s", source.name, type(exc).__name__)
        return error_response(
            503, "storage_unavailable", "The event could not be stored; please retry."
        )
    if event_id is None:
        # A retry of a delivery already stored (or racing its first attempt, which
        # the unique key made wait for): answered 200, stored once.
        return jsonify(status="duplicate", id=_known_delivery(source, delivery_id)), 200
    enqueue(
        EVENTS_QUEUE, PROCESS_INBOX_EVENT, event_id, job_id=f"inbox-event-{event_id}"
    )
    return jsonify(status="accepted", id=event_id), source.accepted_status


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
