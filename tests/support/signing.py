"""Standard Webhooks deliveries signed as a real sender would sign them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

from plugin import clock

WEBHOOK_KEY = b"follow-up coach test key, 32 b!!"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(WEBHOOK_KEY).decode()


@dataclass
class SignedPost:
    """Posts signed Standard Webhooks deliveries to the app's test client."""

    client: Any
    secret: str = WEBHOOK_SECRET

    def __call__(
        self,
        event: Any,
        *,
        msg_id: str | None = None,
        sent_at: datetime | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        path: str = "/webhooks/standard",
    ) -> Any:
        raw = (
            body if body is not None else json.dumps(event, ensure_ascii=False).encode()
        )
        signed_headers = sign_headers(
            raw, msg_id=msg_id, sent_at=sent_at, secret=self.secret
        )
        signed_headers.update(headers or {})
        return self.client.post(
            path, data=raw, headers=signed_headers, content_type="application/json"
        )


def sign_headers(
    raw: bytes,
    *,
    msg_id: str | None = None,
    sent_at: datetime | None = None,
    secret: str = WEBHOOK_SECRET,
) -> dict[str, str]:
    """Standard Webhooks headers, signed by the reference library, not by our code."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    # The sender's clock is ours: tests that move `clock` sign at that moment too.
    when = sent_at or datetime.fromtimestamp(int(clock.now().timestamp()), UTC)
    try:
        signature = Webhook(secret).sign(msg_id, when, raw.decode("utf-8"))
    except UnicodeDecodeError:  # the reference library only signs text
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{msg_id}.{int(when.timestamp())}.".encode() + raw
        signature = (
            "v1,"
            + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }
