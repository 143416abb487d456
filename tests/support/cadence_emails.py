"""One application's whole cadence, run tick by tick, and the emails it sent."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask

from plugin import clock, create_app
from plugin.extensions.queues import use_redis
from plugin.jobs.tick import run_tick
from tests.support.database import empty_tables
from tests.support.events import interview_event
from tests.support.signing import SignedPost
from tests.support.smtp import html_part

PANEL = [
    {"name": "Lee Park", "title": "Payroll Manager"},
    {"name": "Amara Nwosu", "title": "HR Business Partner"},
]
START = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def all_emails(
    settings,
    tmp_path,
    smtp,
    routing="direct",
    policy_toml: str = "",
    before_ticks: Callable[[Flask], None] | None = None,
    **changes,
):
    """Run one application's whole cadence; return every email received by subject.

    `policy_toml` adds policy lines; `before_ticks(app)` runs once the interview is
    stored, before the first email goes (in an app context).
    """
    policy = tmp_path / f"{routing}.toml"
    policy.write_text(
        '[firm]\nname = "Northwind Staffing"\n'
        'postal_address = "12 Harbour Road, Portland, ME 04101"\n'
        f'[routing]\nmode = "{routing}"\n' + policy_toml
    )
    app = create_app({**settings, "POLICY_FILE": str(policy)})
    use_redis(app, None)
    try:
        with app.app_context():
            SignedPost(app.test_client())(
                interview_event(**{"data.interview.interviewers": PANEL, **changes})
            )
            if before_ticks is not None:
                before_ticks(app)
            at = START
            while at < START + timedelta(days=25):
                with clock.frozen_at(at):
                    run_tick()
                at += timedelta(hours=2)
    finally:
        empty_tables(app)
    return {m["Subject"]: m for m in smtp.candidate_messages}


def visible_text(message) -> str:
    """The HTML part as a reader sees it: tags gone, entities decoded, spaces folded."""
    without_tags = re.sub(r"<[^>]+>", " ", html_part(message))
    return re.sub(r"\s+", " ", html.unescape(without_tags))


def folded(text: str) -> str:
    """Runs of white space (line breaks too) as one space."""
    return re.sub(r"\s+", " ", text)
