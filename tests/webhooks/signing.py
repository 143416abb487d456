"""Standard Webhooks headers for any body, signed by the reference library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

from plugin import clock


def signed_headers(key: bytes, raw: bytes, msg_id: str | None = None) -> dict[str, str]:
    """The `webhook-*` headers a sender holding `key` puts on `raw`, signed now."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    when = datetime.fromtimestamp(int(clock.now().timestamp()), UTC)
    try:
        signature = Webhook(key).sign(msg_id, when, raw.decode("utf-8"))
    except UnicodeDecodeError:  # the reference library signs text only
        signed = f"{msg_id}.{int(when.timestamp())}.".encode() + raw
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        signature = "v1," + base64.b64encode(digest).decode()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }
