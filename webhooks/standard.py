"""The `standard` source: canonical events signed the Standard Webhooks way.

The format and the signing scheme are described in docs/events.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError

from webhooks import Delivery, PayloadError, SignatureError, WebhookSource, register
from webhooks.fields import flatten_errors
from webhooks.quick import surely_valid
from webhooks.schema import EventSchema

TOLERANCE_SECONDS = 5 * 60
MAX_DELIVERY_ID_LENGTH = 200
# Built once: building a schema costs more than loading an event with it, and a
# schema keeps no state between loads.
EVENT_SCHEMA = EventSchema()


class StandardWebhooks(WebhookSource):
    """`POST /webhooks/standard`: canonical events with `webhook-*` signatures."""

    name = "standard"
    secrets_setting = "STANDARD_WEBHOOK_SECRETS"

    def verify(self, delivery: Delivery, secrets: tuple[bytes, ...]) -> None:
        """Check the HMAC over `id.timestamp.body` and the timestamp's freshness."""
        msg_id, timestamp, signatures = _signature_headers(delivery.headers)
        try:
            sent_at = int(timestamp)
        except ValueError as exc:
            raise SignatureError("webhook-timestamp is not a unix time") from exc
        if abs(delivery.received_at.timestamp() - sent_at) > TOLERANCE_SECONDS:
            raise SignatureError("webhook-timestamp is more than 5 minutes off")
        if not secrets:
            raise SignatureError("no secret is configured for this source")
        signed = f"{msg_id}.{timestamp}.".encode() + delivery.body
        expected = [hmac.new(key, signed, hashlib.sha256).digest() for key in secrets]
        for given in _v1_signatures(signatures):
            # Check every key against every signature: rotation may put either first.
            if any(hmac.compare_digest(given, digest) for digest in expected):
                return
        raise SignatureError("no signature in webhook-signature matches")

    def delivery_id(self, delivery: Delivery) -> str:
        """The `webhook-id` header, stable across the sender's retries."""
        return _signature_headers(delivery.headers)[0]

    def validate(self, payload: Any) -> str:
        """Validate against the canonical schema and return the event type.

        The common event passes the quick check; the schema reads the rest, and
        names the fields at fault.
        """
        return surely_valid(payload) or str(self._load(payload)["type"])

    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Canonical events need no translation: one payload, one event."""
        return [self._load(payload)]

    def _load(self, payload: Any) -> dict[str, Any]:
        try:
            return dict(EVENT_SCHEMA.load(payload))
        except ValidationError as exc:
            raise PayloadError(flatten_errors(exc.messages)) from exc


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value a sender computes (for the demo and tools)."""
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(digest.digest()).decode()


def _signature_headers(headers: Any) -> tuple[str, str, str]:
    # Svix sends the same scheme under svix-* names; accept both spellings.
    found = []
    for suffix in ("id", "timestamp", "signature"):
        value = headers.get(f"webhook-{suffix}") or headers.get(f"svix-{suffix}")
        if not value:
            raise SignatureError(f"webhook-{suffix} header is missing")
        found.append(value.strip())
    msg_id, timestamp, signature = found
    if len(msg_id) > MAX_DELIVERY_ID_LENGTH:
        raise SignatureError("webhook-id is longer than 200 characters")
    return msg_id, timestamp, signature


def _v1_signatures(header: str) -> list[bytes]:
    """Decode each `v1,<base64>` entry; other versions and junk are passed over."""
    decoded = []
    for entry in header.split():
        version, _, encoded = entry.partition(",")
        if version != "v1" or not encoded:
            continue
        try:
            decoded.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return decoded


source = register(StandardWebhooks())
