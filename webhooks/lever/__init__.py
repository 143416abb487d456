"""Lever: `POST /webhooks/lever`, signed in the body, filled in from Lever's API.

Lever signs `token + triggeredAt` (HMAC-SHA256, hex, in the body's `signature`)
with the webhook's signature token, not the data: so a delivery is accepted only
inside a replay window, its `token` is its delivery id (the inbox remembers it, and
a second delivery of one token is answered as a duplicate), and every record is read
back from the API rather than taken from `data`. See docs/sources/lever.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError

from webhooks import (
    Delivery,
    IgnoredEvent,
    PayloadError,
    SignatureError,
    WebhookSource,
    register,
)
from webhooks.fields import flatten_errors
from webhooks.lever import mapping
from webhooks.lever.client import LeverClient, NotFound
from webhooks.schema import EventSchema

#: How old a `triggeredAt` may be. Lever's retry schedule is not published, and a
#: retry is assumed to resend the same body; senders retry for up to about three
#: days, and a delivery id is remembered for at least seven.
REPLAY_WINDOW = timedelta(days=3)
#: How far ahead of our clock a `triggeredAt` may be (clock skew).
FUTURE_SKEW = timedelta(minutes=5)
# The inbox keeps delivery ids of up to 200 characters and types of up to 80.
MAX_TOKEN_LENGTH = 200
MAX_EVENT_LENGTH = 80

INTERVIEW_EVENTS = ("interviewCreated", "interviewUpdated", "interviewDeleted")
APPLICATION_EVENTS = (
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateHired",
)
SUPPORTED = INTERVIEW_EVENTS + APPLICATION_EVENTS


class LeverSource(WebhookSource):
    """Lever's webhooks, checked on their signed fields and read back from the API."""

    name = "lever"
    secrets_setting = "LEVER_SIGNATURE_TOKENS"

    def verify(self, delivery: Delivery, secrets: tuple[bytes, ...]) -> None:
        """Check the signature over `token + triggeredAt` and the window."""
        if not secrets:
            raise SignatureError("no LEVER_SIGNATURE_TOKEN is configured")
        token, triggered_at, signature = _signed_fields(delivery.body)
        sent = mapping.from_epoch_ms(triggered_at)
        if sent < delivery.received_at - REPLAY_WINDOW:
            raise SignatureError("triggeredAt is older than the replay window")
        if sent > delivery.received_at + FUTURE_SKEW:
            raise SignatureError("triggeredAt is in the future")
        try:
            given = bytes.fromhex(signature)
        except ValueError as exc:
            raise SignatureError("signature is not hex") from exc
        signed = (token + str(triggered_at)).encode()
        # Every key is tried: Lever gives each webhook its own token.
        if not any(
            hmac.compare_digest(given, hmac.new(key, signed, hashlib.sha256).digest())
            for key in secrets
        ):
            raise SignatureError("signature does not match any signature token")

    def delivery_id(self, delivery: Delivery) -> str:
        """The delivery's `token`: the inbox keeps it, so a replay is a duplicate."""
        return _signed_fields(delivery.body)[0]

    def validate(self, payload: Any) -> str:
        """Check the ids each supported event needs; other events are kept, unused."""
        event = payload.get("event") if isinstance(payload, dict) else None
        if not isinstance(event, str) or not 0 < len(event) <= MAX_EVENT_LENGTH:
            raise PayloadError({"event": ["Missing, not a string, or too long."]})
        if event in SUPPORTED:
            data = payload.get("data")
            needed = ["opportunityId"]
            if event in INTERVIEW_EVENTS:
                needed.append("interviewId")
            problems = {
                f"data.{name}": ["Missing or not a string."]
                for name in needed
                if not isinstance(data, dict) or not _is_id(data.get(name))
            }
            if problems:
                raise PayloadError(problems)
        return event

    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Read the opportunity (and interview) from Lever; return canonical events."""
        event = payload["event"]
        if event not in SUPPORTED:
            raise IgnoredEvent(f"Lever {event} events are not used")
        client = LeverClient.from_settings(settings or {})
        try:
            built = _build(client, event, payload)
        finally:
            client.close()
        return [_load(built)]


def _build(client: LeverClient, event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One canonical event from the current state of the records the event names."""
    data = payload["data"]
    triggered_at = mapping.from_epoch_ms(payload["triggeredAt"])
    try:
        opportunity = client.opportunity(data["opportunityId"])
    except NotFound as exc:
        raise IgnoredEvent("the Lever opportunity no longer exists") from exc
    if event in INTERVIEW_EVENTS:
        return _interview(client, event, triggered_at, opportunity, data)
    if event == "candidateHired":
        return mapping.application_event("application.hired", triggered_at, opportunity)
    if event == "candidateArchiveChange":
        reason = _archive_reason(client, opportunity)
        kind = mapping.archive_kind(opportunity, reason)
        return mapping.application_event(kind, triggered_at, opportunity)
    return mapping.application_event("application.updated", triggered_at, opportunity)


def _interview(
    client: LeverClient,
    event: str,
    triggered_at: datetime,
    opportunity: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    # The interview as it is now: a late "updated" for a deleted one cancels it.
    interview_id = data["interviewId"]
    try:
        interview = client.interview(data["opportunityId"], interview_id)
    except NotFound:
        interview = None
    posting_id = mapping.posting_id(opportunity)
    posting = None
    if interview is not None and not interview.get("canceledAt") and posting_id:
        posting = _optional(lambda: client.posting(posting_id))
    kind = (
        "interview.scheduled"
        if event == "interviewCreated"
        else "interview.rescheduled"
    )
    return mapping.interview_event(
        kind, triggered_at, opportunity, interview, interview_id, posting
    )


def _archive_reason(
    client: LeverClient, opportunity: dict[str, Any]
) -> dict[str, Any] | None:
    archived = opportunity.get("archived")
    if not isinstance(archived, dict) or not archived.get("reason"):
        return None
    return _optional(lambda: client.archive_reason(str(archived["reason"])))


def _optional(read: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """A record that may have been deleted meanwhile; outages still propagate."""
    try:
        return read()
    except NotFound:
        return None


def _signed_fields(body: bytes) -> tuple[str, int, str]:
    """`token`, `triggeredAt` and `signature` from the body, or SignatureError."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise SignatureError(
            "the body is not JSON, so it carries no signature"
        ) from exc
    if not isinstance(payload, dict):
        raise SignatureError("the body carries no token, triggeredAt and signature")
    token, triggered_at, signature = (
        payload.get("token"),
        payload.get("triggeredAt"),
        payload.get("signature"),
    )
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise SignatureError("token is missing, or longer than 200 characters")
    if isinstance(triggered_at, bool) or not isinstance(triggered_at, int):
        raise SignatureError("triggeredAt is not epoch milliseconds")
    if not isinstance(signature, str):
        raise SignatureError("signature is missing")
    try:
        mapping.from_epoch_ms(triggered_at)
    except (OverflowError, OSError, ValueError) as exc:
        raise SignatureError("triggeredAt is out of range") from exc
    return token, triggered_at, signature


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _load(event: dict[str, Any]) -> dict[str, Any]:
    """Check a built event against the canonical schema, as pushed ones are."""
    try:
        return dict(EventSchema().load(event))
    except ValidationError as exc:
        raise PayloadError(flatten_errors(exc.messages)) from exc


source = register(LeverSource())
