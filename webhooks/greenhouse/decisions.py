"""What each Greenhouse web hook means for coaching, and the checks made on receipt.

Hire → hired; reject → rejected; unhire, unreject and an accepted offer deleted →
reopened; an offer sent → offer extended; `interview_deleted` (also fired when an
interview is cancelled; it carries the interview id alone) → cancelled; a stage
change → the application's details plus its interviews, read from Harvest at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError

from webhooks import IgnoredEvent, PayloadError
from webhooks.fields import flatten_errors
from webhooks.greenhouse import mapping
from webhooks.schema import EventSchema

if TYPE_CHECKING:
    from webhooks.greenhouse import GreenhouseSource
    from webhooks.greenhouse.feed import HarvestFeed

DECISIONS = {
    "hire_candidate": "application.hired",
    "reject_candidate": "application.rejected",
    "unhire_candidate": "application.reopened",
    "unreject_candidate": "application.reopened",
}
OFFER_ACTIONS = ("offer_created", "offer_updated", "offer_deleted")
APPLICATION_ACTIONS = (*DECISIONS, "candidate_stage_change")
SUPPORTED = (*APPLICATION_ACTIONS, *OFFER_ACTIONS, "interview_deleted")


def check(action: str, payload: dict[str, Any]) -> None:
    """Raise PayloadError naming each field a supported action lacks (no I/O)."""
    problems: dict[str, list[str]] = {}
    if action in APPLICATION_ACTIONS:
        application = payload.get("application")
        if not isinstance(application, dict) or not _is_id(application.get("id")):
            problems["payload.application.id"] = ["Missing or not an id."]
        else:
            candidate = application.get("candidate")
            if not isinstance(candidate, dict) or not _is_id(candidate.get("id")):
                problems["payload.application.candidate.id"] = ["Missing or not an id."]
    elif action in OFFER_ACTIONS:
        offer = _offer(payload)
        if not _is_id(offer.get("application_id")):
            problems["payload.offer.application_id"] = ["Missing or not an id."]
    elif action == "interview_deleted":
        interview = payload.get("interview")
        if not isinstance(interview, dict) or not _is_id(interview.get("id")):
            problems["payload.interview.id"] = ["Missing or not an id."]
    if problems:
        raise PayloadError(problems)


def decision(
    action: str, payload: dict[str, Any], settings: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A hire, a rejection, or one of them undone: the payload holds it all."""
    application = payload["application"]
    stamp = _stamp(action, application, settings)
    return [load(mapping.application_event(DECISIONS[action], application, stamp))]


def stage_change(
    payload: dict[str, Any], settings: Mapping[str, Any], feed: HarvestFeed | None
) -> list[dict[str, Any]]:
    """The application's details, then its interviews as Harvest has them now."""
    application = payload["application"]
    stamp = _stamp("candidate_stage_change", application, settings)
    events = [mapping.application_event("application.updated", application, stamp)]
    if feed is not None:
        candidate, jobs = application["candidate"], application.get("jobs") or [None]
        for interview in feed.interviews_of(str(application["id"])):
            event = mapping.interview_event(
                interview, application, candidate, jobs[0], firm_zone(settings), stamp
            )
            if event is not None:
                events.append(event)
    return [load(event) for event in events]


def interview_deleted(
    payload: dict[str, Any], settings: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Cancel the interview by our own records: the payload names nothing else."""
    interview_id = str(payload["interview"]["id"])
    lookup = settings.get("KNOWN_INTERVIEW")
    known = lookup(interview_id) if callable(lookup) else None
    if known is None:
        raise IgnoredEvent("Greenhouse deleted an interview this service never had")
    stamp = received_at(settings)
    return [
        load(
            mapping.cancelled_event(
                interview_id, known.application_id, known.candidate_id, stamp
            )
        )
    ]


def offer(
    action: str,
    payload: dict[str, Any],
    settings: Mapping[str, Any],
    source: GreenhouseSource,
) -> list[dict[str, Any]]:
    """An offer sent means an offer extended; an accepted one deleted, reopened."""
    details = _offer(payload)
    status = str(details.get("offer_status") or "").lower()
    if action == "offer_deleted":
        if status != "accepted":
            raise IgnoredEvent("Greenhouse deleted an offer nobody had accepted")
        kind = "application.reopened"
    elif status in ("created", "unresolved") and details.get("sent_on"):
        kind = "application.offer_extended"
    else:
        raise IgnoredEvent(f"Greenhouse {action} with status {status or 'none'}")
    application_id = str(details["application_id"])
    if source.missing_settings(settings):
        raise IgnoredEvent("offers name only the application: Harvest is not set up")
    record = source.feed(settings).application(application_id)
    event = {
        "type": kind,
        "timestamp": received_at(settings).isoformat(),
        "data": {
            "candidate": {"id": str(record["candidate_id"])},
            "application": {"id": application_id},
        },
    }
    return [load(event)]


def polled(payload: dict[str, Any], settings: Mapping[str, Any]) -> list[Any]:
    """A Harvest interview stored by a poll, with its application and people."""
    interview = payload["harvest_interview"]
    application = payload.get("application") or {}
    stamp = str(interview.get("updated_at") or application.get("updated_at") or "")
    event = mapping.interview_event(
        interview,
        application,
        payload.get("candidate") or {},
        payload.get("job"),
        firm_zone(settings),
        stamp,
    )
    if event is None:
        status = interview.get("status")
        raise IgnoredEvent(f"a Harvest interview with status {status} is not coached")
    return [load(event)]


def firm_zone(settings: Mapping[str, Any]) -> tzinfo:
    """Where interviews are shown: `[sources.greenhouse] timezone`, else the firm's."""
    policy = settings.get("POLICY")
    sources = getattr(policy, "sources", None)
    chosen = getattr(getattr(sources, "greenhouse", None), "timezone", None)
    firm = getattr(getattr(policy, "firm", None), "timezone", None)
    return mapping.zone_named(chosen) or mapping.zone_named(firm) or UTC


def received_at(settings: Mapping[str, Any]) -> datetime:
    """When the delivery reached us: the stamp of events that carry none."""
    value = settings.get("DELIVERY_RECEIVED_AT")
    if not isinstance(value, datetime):
        raise IgnoredEvent("no delivery time to order this event by")
    return value


def load(event: dict[str, Any]) -> dict[str, Any]:
    """Check a built event against the canonical schema, as pushed ones are."""
    try:
        return dict(EventSchema().load(event))
    except ValidationError as exc:
        raise PayloadError(flatten_errors(exc.messages)) from exc


def _stamp(
    action: str, application: dict[str, Any], settings: Mapping[str, Any]
) -> str:
    # The payload's own time when it has one; else when the delivery arrived.
    stamp = mapping.decision_stamp(action, application)
    return stamp if stamp is not None else received_at(settings).isoformat()


def _offer(payload: dict[str, Any]) -> dict[str, Any]:
    # Newer docs nest the offer under `offer`; older examples put it flat.
    nested = payload.get("offer")
    return nested if isinstance(nested, dict) else payload


def _is_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and 0 < len(value) <= 64
    )
