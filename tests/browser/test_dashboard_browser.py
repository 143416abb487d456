"""The recruiter's dashboard in a real browser: sign in by email link, then pause."""

from __future__ import annotations

import re

from sqlalchemy import select

from plugin.models import Touchpoint, TouchpointStatus
from plugin.operations.accounts import create_user
from tests.support.events import interview_event
from tests.support.signing import SignedPost


def test_recruiter_signs_in_sees_the_candidate_and_pauses(served, smtp, page):
    with served.app_context():
        SignedPost(served.test_client())(interview_event())
        create_user("sam@staffing.example")
    base = served.config["BASE_URL"]

    page.goto(f"{base}/dashboard")
    page.get_by_label("Your work email").fill("sam@staffing.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    assert "Check your email" in page.get_by_role("heading", level=1).inner_text()

    body = smtp.messages[-1].get_body(("plain",)).get_content()
    page.goto(re.search(r"(http://127\.0\.0\.1:\d+/login/\S+)", body).group(1))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dana Okafor").click()
    page.get_by_role("button", name="Pause the cadence").click()

    assert "Paused." in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="Resume the cadence").is_visible()
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    with served.app_context():
        from plugin.extensions import db

        statuses = {t.status for t in db.session.scalars(select(Touchpoint))}
    assert statuses == {TouchpointStatus.CANCELLED}


def test_dashboard_passes_an_accessibility_check(served, smtp, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{served.config['BASE_URL']}/login")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
