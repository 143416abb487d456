"""Acting as the candidate in tests: the first email, its links, the plan page."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from plugin import clock
from plugin.jobs.tick import run_tick
from tests.support.events import interview_event
from tests.support.smtp import text_part

THANK_YOU_DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def first_email(post_event, run_jobs, smtp, **changes):
    """Post the example interview and tick until the thank-you arrives."""
    post_event(interview_event(**changes))
    run_jobs()
    with clock.frozen_at(THANK_YOU_DUE):
        run_tick()
        run_jobs()
    assert smtp.candidate_messages, "no thank-you arrived"
    return smtp.candidate_messages[-1]


def link_path(message, prefix: str) -> str:
    """The path of the first link in an email's text that starts with `prefix`."""
    match = re.search(
        r"http://localhost(" + re.escape(prefix) + r"[^\s)]+)", text_part(message)
    )
    assert match, f"no {prefix} link in the email"
    return urlsplit(match.group(1)).path


def open_plan(client, post_event, run_jobs, smtp):
    """Open the plan page from the first email's link; return its path and text."""
    path = link_path(first_email(post_event, run_jobs, smtp), "/plan/")
    page = client.get(path)
    assert page.status_code == 200
    return path, page_text(page)


def page_text(response) -> str:
    """A page's HTML with entities decoded, so tests can look for plain words."""
    return html.unescape(response.get_data(as_text=True))
