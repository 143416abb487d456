"""Ashby: `POST /webhooks/ashby`, signed over the raw body, gaps filled from its API.

`Ashby-Signature: sha256=<hex>` is an HMAC-SHA256 of the exact body, keyed with the
secret token typed into Ashby (`ASHBY_WEBHOOK_SECRET`). One action may fire several
webhooks sharing a `webhookActionId`, so a delivery's id is that id with the action;
without one, a hash of the body. Ashby stops retrying after 401, 403, 404, 405 and
410, so those answers are kept for deliveries that are really wrong (the receiver
answers 503 when storage fails). See docs/sources/ashby.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from webhooks import (
    Delivery,
    IgnoredEvent,
    PayloadError,
    SignatureError,
    WebhookSource,
    register,
)
from webhooks.ashby import mapping
from webhooks.ashby.client import AshbyClient, NotFound
from webhooks.fields import flatten_errors
from webhooks.schema import EventSchema

SIGNATURE_PREFIX = "sha256="
SCHEDULE_ACTIONS = ("interviewScheduleCreate", "interviewScheduleUpdate")
APPLICATION_ACTIONS = ("applicationUpdate", "candidateHire")
SUPPORTED = ("ping", *SCHEDULE_ACTIONS, *APPLICATION_ACTIONS)
# The inbox keeps delivery ids of up to 200 characters and types of up to 80.
MAX_ACTION_ID_LENGTH = 120
MAX_ACTION_LENGTH = 60


class AshbySource(WebhookSource):
    """Ashby's webhooks: schedules read back through `application.info`."""

    name = "ashby"
    secrets_setting = "ASHBY_WEBHOOK_SECRETS"
    setup_pings = ("ping",)

    def verify(self, delivery: Delivery, secrets: tuple[bytes, ...]) -> None:
        """Check `Ashby-Signature` over the raw body against every secret."""
        if not secrets:
            raise SignatureError("no ASHBY_WEBHOOK_SECRET is configured")
        header = delivery.headers.get("ashby-signature", "").strip()
        if not header.startswith(SIGNATURE_PREFIX):
            raise SignatureError("Ashby-Signature is missing or not sha256=<hex>")
        try:
            given = bytes.fromhex(header.removeprefix(SIGNATURE_PREFIX))
        except ValueError as exc:
            raise SignatureError("Ashby-Signature is not hex") from exc
        if not any(
            hmac.compare_digest(
                given, hmac.new(key, delivery.body, hashlib.sha256).digest()
            )
            for key in secrets
        ):
            raise SignatureError("Ashby-Signature does not match any secret")

    def delivery_id(self, delivery: Delivery) -> str:
        """(`webhookActionId`, action), else a hash of the body Ashby resends."""
        try:
            payload = json.loads(delivery.body)
        except (ValueError, RecursionError):
            payload = None
        if isinstance(payload, dict):
            action_id, action = payload.get("webhookActionId"), payload.get("action")
            if _short_text(action_id) and _short_text(action, MAX_ACTION_LENGTH):
                return f"{action_id}:{action}"
        return "sha256:" + hashlib.sha256(delivery.body).hexdigest()

    def validate(self, payload: Any) -> str:
        """Check what each supported action needs; others are kept, unused."""
        action = payload.get("action") if isinstance(payload, dict) else None
        if not _short_text(action, MAX_ACTION_LENGTH):
            raise PayloadError({"action": ["Missing, not a string, or too long."]})
        data = payload.get("data")
        if action in SCHEDULE_ACTIONS:
            _check_schedule(data)
        elif action in APPLICATION_ACTIONS:
            _check_application(data)
        return str(action)

    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Turn one stored delivery into canonical events, asking Ashby if needed."""
        action = payload["action"]
        if action == "ping":
            raise IgnoredEvent("Ashby ping: the webhook is set up")
        if action not in SUPPORTED:
            raise IgnoredEvent(f"Ashby {action} events are not used")
        settings = settings or {}
        if action in APPLICATION_ACTIONS:
            # The payload carries the whole application, signed: no call needed.
            application = payload["data"]["application"]
            stamp = mapping.parse_time(application["updatedAt"])
            kind = mapping.decision_kind(application)
            if action == "candidateHire":
                kind = "application.hired"
            return [_load(mapping.application_event(kind, stamp, application))]
        return _schedule(payload, settings)


def _schedule(payload: dict[str, Any], settings: Mapping[str, Any]) -> list[Any]:
    schedule = payload["data"]["interviewSchedule"]
    client = AshbyClient.from_settings(settings)
    try:
        application = client.application(schedule["applicationId"])
        candidate = client.candidate(str(application["candidate"]["id"]))
    except NotFound as exc:
        raise IgnoredEvent("Ashby no longer knows the application") from exc
    except (KeyError, TypeError) as exc:
        raise IgnoredEvent("Ashby's application names no candidate") from exc
    finally:
        client.close()
    events = mapping.schedule_events(
        payload["action"], schedule, application, candidate, _firm_zone(settings)
    )
    if not events:
        raise IgnoredEvent("the schedule holds no timed interview")
    return [_load(event) for event in events]


def _firm_zone(settings: Mapping[str, Any]) -> tzinfo:
    policy = settings.get("POLICY")
    zone = mapping.zone_named(getattr(getattr(policy, "firm", None), "timezone", None))
    return zone or ZoneInfo("UTC")


def _check_schedule(data: Any) -> None:
    schedule = data.get("interviewSchedule") if isinstance(data, dict) else None
    if not isinstance(schedule, dict):
        raise PayloadError({"data.interviewSchedule": ["Missing or not an object."]})
    problems: dict[str, list[str]] = {}
    for name in ("id", "applicationId"):
        if not _short_text(schedule.get(name)):
            problems[f"data.interviewSchedule.{name}"] = ["Missing or not a string."]
    if not _is_time(schedule.get("updatedAt") or schedule.get("createdAt")):
        problems["data.interviewSchedule.updatedAt"] = ["Missing or not a date-time."]
    events = schedule.get("interviewEvents")
    if not isinstance(events, list):
        problems["data.interviewSchedule.interviewEvents"] = ["Missing or not a list."]
        events = []
    for n, item in enumerate(events):
        where = f"data.interviewSchedule.interviewEvents.{n}"
        if not isinstance(item, dict) or not _short_text(item.get("id")):
            problems[f"{where}.id"] = ["Missing or not a string."]
            continue
        for name in ("startTime", "endTime"):
            if item.get(name) is not None and not _is_time(item[name]):
                problems[f"{where}.{name}"] = ["Not a date-time."]
    if problems:
        raise PayloadError(problems)


def _check_application(data: Any) -> None:
    application = data.get("application") if isinstance(data, dict) else None
    if not isinstance(application, dict):
        raise PayloadError({"data.application": ["Missing or not an object."]})
    problems: dict[str, list[str]] = {}
    if not _short_text(application.get("id")):
        problems["data.application.id"] = ["Missing or not a string."]
    candidate = application.get("candidate")
    if not isinstance(candidate, dict) or not _short_text(candidate.get("id")):
        problems["data.application.candidate.id"] = ["Missing or not a string."]
    if not _is_time(application.get("updatedAt")):
        problems["data.application.updatedAt"] = ["Missing or not a date-time."]
    if problems:
        raise PayloadError(problems)


def _short_text(value: Any, limit: int = MAX_ACTION_ID_LENGTH) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        mapping.parse_time(value)
    except ValueError:
        return False
    return True


def _load(event: dict[str, Any]) -> dict[str, Any]:
    """Check a built event against the canonical schema, as pushed ones are."""
    try:
        return dict(EventSchema().load(event))
    except ValidationError as exc:
        raise PayloadError(flatten_errors(exc.messages)) from exc


source = register(AshbySource())
