"""Greenhouse: signed webhooks for decisions, Harvest v3 polled for interviews.

`Signature: sha256 <hex>` is an HMAC-SHA256 of the exact raw body keyed with the
web hook's secret key (`GREENHOUSE_WEBHOOK_SECRET`); Greenhouse escapes Unicode
(`\\u003c`) before signing, so the bytes are hashed as received. Greenhouse counts
any answer but 200 as a failure and disables a hook whose `ping` fails, so accepted,
duplicate and ignored deliveries and the ping all answer 200. There is no "interview
scheduled" web hook: interviews come from Harvest v3 (`feed.py`), polled on the
schedule and at once for an application whose stage changed. See
docs/sources/greenhouse.md.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any

from webhooks import (
    Delivery,
    IgnoredEvent,
    PayloadError,
    PullConnection,
    PullSource,
    SignatureError,
    SourceNotConfigured,
    WebhookSource,
    register,
)
from webhooks.greenhouse import decisions
from webhooks.greenhouse.feed import HarvestFeed
from webhooks.greenhouse.harvest import Credentials, HarvestClient

SIGNATURE_PREFIX = "sha256 "
MAX_DELIVERY_ID_LENGTH = 200
MAX_ACTION_LENGTH = 60


class GreenhouseSource(WebhookSource, PullSource):
    """Greenhouse's web hooks (pushed) and Harvest v3 interviews (pulled)."""

    name = "greenhouse"
    secrets_setting = "GREENHOUSE_WEBHOOK_SECRETS"
    setup_pings = ("ping",)
    accepted_status = 200  # Greenhouse treats 202 as a failed delivery
    required_settings = (
        "GREENHOUSE_CLIENT_ID",
        "GREENHOUSE_CLIENT_SECRET",
        "GREENHOUSE_USER_ID",
    )
    #: How the Harvest client waits between retries (tests make it instant).
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self) -> None:
        self._feeds: dict[Credentials, HarvestFeed] = {}

    # --- pushed --------------------------------------------------------------

    def verify(self, delivery: Delivery, secrets: tuple[bytes, ...]) -> None:
        """Check `Signature: sha256 <hex>` over the raw body against every secret."""
        if not secrets:
            raise SignatureError("no GREENHOUSE_WEBHOOK_SECRET is configured")
        header = delivery.headers.get("signature", "").strip()
        if not header.startswith(SIGNATURE_PREFIX):
            raise SignatureError("Signature is missing or not 'sha256 <hex>'")
        try:
            given = bytes.fromhex(header.removeprefix(SIGNATURE_PREFIX).strip())
        except ValueError as exc:
            raise SignatureError("Signature is not hex") from exc
        for key in secrets:
            digest = hmac.new(key, delivery.body, hashlib.sha256).digest()
            if hmac.compare_digest(given, digest):
                return
        raise SignatureError("Signature does not match any secret")

    def delivery_id(self, delivery: Delivery) -> str:
        """`Greenhouse-Event-ID` when sent (and sane), else a hash of the body."""
        event_id = delivery.headers.get("greenhouse-event-id", "").strip()
        if 0 < len(event_id) <= MAX_DELIVERY_ID_LENGTH and event_id.isprintable():
            return f"event:{event_id}"
        return "sha256:" + hashlib.sha256(delivery.body).hexdigest()

    def validate(self, payload: Any) -> str:
        """Check what each supported action needs; other actions are kept, unused."""
        action = payload.get("action") if isinstance(payload, dict) else None
        if not isinstance(action, str) or not 0 < len(action) <= MAX_ACTION_LENGTH:
            raise PayloadError({"action": ["Missing, not a string, or too long."]})
        if not isinstance(payload.get("payload"), dict):
            raise PayloadError({"payload": ["Missing or not an object."]})
        decisions.check(action, payload["payload"])
        return action

    def answer_now(self, payload: Any) -> dict[str, Any] | None:
        """The setup `ping` is answered 200 at once and never stored."""
        if payload.get("action") == "ping":
            return {"status": "pong"}
        return None

    # --- pulled --------------------------------------------------------------

    def connect(self, settings: Mapping[str, Any]) -> PullConnection:
        """The Harvest feed for these settings, kept so its token is reused."""
        return self.feed(settings)

    def feed(self, settings: Mapping[str, Any]) -> HarvestFeed:
        """The kept feed (and Harvest client) for these settings."""
        missing = self.missing_settings(settings)
        if missing:
            raise SourceNotConfigured(
                "Greenhouse Harvest is not configured: set " + ", ".join(missing)
            )
        credentials = Credentials.from_settings(settings)
        if credentials not in self._feeds:
            client = HarvestClient(credentials, sleep=type(self).sleep)
            self._feeds[credentials] = HarvestFeed(client)
        return self._feeds[credentials]

    def forget_connections(self) -> None:
        """Drop every kept Harvest client (tests, and after a settings change)."""
        for feed in self._feeds.values():
            feed.client.close()
        self._feeds.clear()

    # --- both ----------------------------------------------------------------

    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Turn a stored web hook or Harvest record into canonical events."""
        settings = settings or {}
        if not isinstance(payload, dict):
            raise PayloadError({"body": ["Not a stored Greenhouse event."]})
        if "harvest_interview" in payload:
            return decisions.polled(payload, settings)
        action = payload.get("action")
        if action not in decisions.SUPPORTED:
            raise IgnoredEvent(f"Greenhouse {action} events are not used")
        if action == "candidate_stage_change":
            feed = self.feed(settings) if not self.missing_settings(settings) else None
            return decisions.stage_change(payload["payload"], settings, feed)
        if action == "interview_deleted":
            return decisions.interview_deleted(payload["payload"], settings)
        if action.startswith("offer_"):
            return decisions.offer(action, payload["payload"], settings, self)
        return decisions.decision(action, payload["payload"], settings)


def sign(body: bytes, secret: str) -> str:
    """The `Signature` header value Greenhouse sends for `body` (tools, tests)."""
    return (
        SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    )


source = register(GreenhouseSource())
