"""Harvest v3 interviews, polled: those updated since the cursor, with their people.

A poll asks `GET /v3/interviews?updated_at=gte|<cursor>` (filter syntax from
harvestdocs "List endpoints"), then reads the applications, candidates and jobs
those interviews belong to, fifty ids a call. Each interview version is one inbox
event (its id and `updated_at`), so a boundary record read twice is stored once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from webhooks import PollBatch, PollContext, PullConnection, PulledEvent
from webhooks.greenhouse.harvest import HarvestClient, NotFound
from webhooks.greenhouse.mapping import parse_time

PER_PAGE = 100
IDS_PER_CALL = 50  # Harvest v3 takes at most fifty ids per filter
# The first poll looks back this far, so recent rounds are coached too.
FIRST_LOOK_BACK = timedelta(days=14)


class HarvestFeed(PullConnection):
    """Reads interviews and what they belong to, with one OAuth client."""

    def __init__(self, client: HarvestClient):
        self.client = client

    def check(self, context: PollContext) -> list[str]:
        """Get a token and read one interview, to prove the scopes are right."""
        self.client.list("interviews", {"per_page": 1})
        return [
            "Got a Harvest v3 token for user "
            f"{self.client.credentials.user_id} and read interviews."
        ]

    def poll(self, cursor: Mapping[str, Any], context: PollContext) -> PollBatch:
        """Interviews updated since the cursor, each with its records."""
        since = cursor.get("updated_since") or _iso(context.now - FIRST_LOOK_BACK)
        listed = self.client.list(
            "interviews", {"updated_at": f"gte|{since}", "per_page": PER_PAGE}
        )
        # `gte` lists the last poll's newest records again: skip those already read.
        seen = set(cursor.get("seen_at_boundary") or [])
        interviews = [i for i in listed if _version(i) not in seen]
        newest = max([since, *(_stamp(i) for i in listed)], key=_as_time)
        boundary = [_version(i) for i in listed if _stamp(i) == newest]
        if newest == since:
            boundary += [version for version in seen if version not in boundary]
        return PollBatch(
            events=self.pulled(interviews),
            cursor={"updated_since": newest, "seen_at_boundary": sorted(boundary)},
            notes=[f"{len(interviews)} interview(s) updated since {since}"],
        )

    def interviews_of(self, application_id: str) -> list[dict[str, Any]]:
        """The interviews of one application (after a stage change)."""
        return self.client.list("interviews", {"application_ids": application_id})

    def application(self, application_id: str) -> dict[str, Any]:
        """One application; NotFound when Harvest no longer has it."""
        found = self.client.list("applications", {"ids": application_id})
        if not found:
            raise NotFound(f"Harvest has no application {application_id}")
        return found[0]

    def pulled(self, interviews: list[dict[str, Any]]) -> list[PulledEvent]:
        """Pair each interview with its application, candidate and job."""
        applications = self._by_id("applications", _ids(interviews, "application_id"))
        candidates = self._by_id(
            "candidates", _ids(applications.values(), "candidate_id")
        )
        jobs = self._by_id("jobs", _ids(applications.values(), "job_id"))
        events = []
        for interview in interviews:
            application = applications.get(str(interview.get("application_id")))
            if application is None or interview.get("id") is None:
                continue  # deleted in between, or not an interview we can place
            body = {
                "harvest_interview": interview,
                "application": application,
                "candidate": candidates.get(str(application.get("candidate_id"))),
                "job": jobs.get(str(application.get("job_id"))),
            }
            events.append(
                PulledEvent(
                    delivery_id=f"interview:{_version(interview)}",
                    event_type=f"interview.{interview.get('status')}"[:80],
                    body=_json(body),
                )
            )
        return events

    def _by_id(self, resource: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), IDS_PER_CALL):
            chunk = ",".join(ids[start : start + IDS_PER_CALL])
            for record in self.client.list(resource, {"ids": chunk}):
                found[str(record.get("id"))] = record
        return found


def _ids(records: Iterable[dict[str, Any]], key: str) -> list[str]:
    return sorted({str(r[key]) for r in records if r.get(key) is not None})


def _version(record: dict[str, Any]) -> str:
    return f"{record.get('id')}:{_stamp(record)}"


def _stamp(record: dict[str, Any]) -> str:
    return str(record.get("updated_at") or "")


def _as_time(value: str) -> datetime:
    try:
        return parse_time(value)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
