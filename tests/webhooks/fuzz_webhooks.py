"""`make fuzz`: thousands of mutated valid events through the real webhook.

Not part of the test run (the file name keeps pytest from collecting it). Each body
is posted, signed, to `/webhooks/standard` (one in ten to its `/preview`) on the app
as embedded (jobs inline, so the inbox job has run when the answer comes back), or on
PostgreSQL when TEST_DATABASE_URL is set. Bounded by FUZZ_EXAMPLES and FUZZ_SECONDS;
prints how many bodies were accepted, refused, applied, ignored and failed.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import InboxEvent, InboxStatus
from tests.support.event_strategies import (
    PARSER_TRAPS,
    canonical_events,
    encode,
    mutated_events,
    valid_events,
)
from tests.support.signing import signed_headers

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "900"))
SHOWN_PROBLEMS = 5

bodies = st.one_of(
    st.builds(encode, valid_events(), st.booleans()),
    st.builds(encode, canonical_events(), st.booleans()),
    st.builds(encode, mutated_events(), st.booleans()),
    st.builds(encode, mutated_events(max_mutations=4), st.booleans()),
    st.sampled_from(PARSER_TRAPS),
)


def test_fuzz_the_webhook(inline_app: Any) -> None:
    counts: Counter[str] = Counter()
    problems: list[str] = []
    client = inline_app.test_client()
    key = inline_app.config["STANDARD_WEBHOOK_SECRETS"][0]
    stop_at = time.monotonic() + FUZZ_SECONDS

    @settings(database=None)
    @given(body=bodies, preview=st.integers(0, 9).map(lambda n: n == 0))
    def post_one(body: bytes, preview: bool) -> None:
        if time.monotonic() > stop_at:
            counts["not sent (time limit)"] += 1
            return
        path = "/webhooks/standard" + ("/preview" if preview else "")
        response = client.post(path, data=body, headers=signed_headers(key, body))
        counts["bodies"] += 1
        counts[f"answered {response.status_code}"] += 1
        if response.status_code >= 500:
            problems.append(f"{response.status_code} for {body[:200]!r}")
        elif response.status_code == 202:
            _count_outcome(response.get_json()["id"], counts, problems)

    with inline_app.app_context():
        post_one()
        _report(counts, problems)
    assert not problems, problems[:SHOWN_PROBLEMS]


def _count_outcome(event_id: int, counts: Counter[str], problems: list[str]) -> None:
    db.session.expire_all()
    row = db.session.scalars(select(InboxEvent).filter_by(id=event_id)).one()
    outcome = {
        InboxStatus.PROCESSED: "applied",
        InboxStatus.IGNORED: "ignored",
    }.get(InboxStatus(row.status), "failed")
    counts[outcome] += 1
    if outcome == "failed":
        problems.append(f"inbox event {event_id}: {row.status} {row.last_error}")


def _report(counts: Counter[str], problems: list[str]) -> None:
    refused = sum(n for k, n in counts.items() if k.startswith("answered 4"))
    print(
        f"\nfuzzed {counts['bodies']} bodies: accepted {counts['answered 202']}, "
        f"answered 200 (previews) {counts['answered 200']}, refused {refused}, "
        f"applied {counts['applied']}, ignored {counts['ignored']}, "
        f"failed {counts['failed']}, 5xx "
        f"{sum(n for k, n in counts.items() if k.startswith('answered 5'))}"
    )
    print("answers: " + ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())))
    for problem in problems[:SHOWN_PROBLEMS]:
        print("problem: " + problem)
