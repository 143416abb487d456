"""Bullhorn: a pull source. Poll its event subscription, coach from Appointments.

A firm sets BULLHORN_CLIENT_ID, BULLHORN_CLIENT_SECRET, BULLHORN_USERNAME and
BULLHORN_PASSWORD; mapping rules live under `[sources.bullhorn]` in the policy.
See docs/sources/bullhorn.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import ValidationError

from webhooks import (
    PayloadError,
    PullConnection,
    PullSource,
    SourceNotConfigured,
    register,
)
from webhooks.bullhorn import mapping
from webhooks.bullhorn.client import BullhornClient, Credentials
from webhooks.bullhorn.feed import BullhornConnection
from webhooks.fields import flatten_errors
from webhooks.schema import EventSchema

DEFAULT_LOGIN_URL = "https://rest.bullhornstaffing.com"


class BullhornSource(PullSource):
    """Bullhorn's REST event subscriptions, polled."""

    name = "bullhorn"
    required_settings = (
        "BULLHORN_CLIENT_ID",
        "BULLHORN_CLIENT_SECRET",
        "BULLHORN_USERNAME",
        "BULLHORN_PASSWORD",
    )
    #: How the client waits between retries (tests make it instant).
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self) -> None:
        self._connections: dict[tuple[Any, ...], BullhornConnection] = {}

    def connect(self, settings: Mapping[str, Any]) -> PullConnection:
        """The connection for these settings, kept so its session is reused."""
        missing = self.missing_settings(settings)
        if missing:
            raise SourceNotConfigured(
                "Bullhorn is not configured: set " + ", ".join(missing)
            )
        credentials = Credentials(
            client_id=settings["BULLHORN_CLIENT_ID"],
            client_secret=settings["BULLHORN_CLIENT_SECRET"],
            username=settings["BULLHORN_USERNAME"],
            password=settings["BULLHORN_PASSWORD"],
            login_url=settings.get("BULLHORN_LOGIN_URL") or DEFAULT_LOGIN_URL,
            auth_url=settings.get("BULLHORN_AUTH_URL") or None,
        )
        subscription = settings.get("BULLHORN_SUBSCRIPTION") or "followup"
        key = (credentials, subscription)
        if key not in self._connections:
            client = BullhornClient(credentials, sleep=type(self).sleep)
            self._connections[key] = BullhornConnection(client, subscription)
        return self._connections[key]

    def forget_connections(self) -> None:
        """Drop every kept session (tests, and after a settings change)."""
        for connection in self._connections.values():
            connection.client.close()
        self._connections.clear()

    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Turn one stored Bullhorn event and its records into canonical events."""
        if not isinstance(payload, dict) or not isinstance(payload.get("event"), dict):
            raise PayloadError({"event": ["Not a stored Bullhorn event."]})
        policy = (settings or {}).get("POLICY")
        if policy is None:
            raise PayloadError({"policy": ["No policy to map Bullhorn events."]})
        name = payload["event"].get("entityName")
        if name == "Appointment":
            events = mapping.appointment_events(
                payload, policy.sources.bullhorn, policy.firm.timezone
            )
        elif name == "JobSubmission":
            events = mapping.submission_events(payload, policy.sources.bullhorn)
        elif name == "Placement":
            events = mapping.placement_events(payload)
        else:
            events = []
        return [_load(event) for event in events]


def _load(event: dict[str, Any]) -> dict[str, Any]:
    """Check a built event against the canonical schema, as pushed ones are."""
    try:
        return dict(EventSchema().load(json.loads(json.dumps(event))))
    except ValidationError as exc:
        raise PayloadError(flatten_errors(exc.messages)) from exc


source = register(BullhornSource())
