"""The recruiter's settings in a real browser: choose the weekly digest."""

from __future__ import annotations

import re

from sqlalchemy import select

from plugin.models import Recruiter
from plugin.operations.accounts import create_user
from tests.support.events import interview_event
from tests.support.signing import SignedPost


def test_recruiter_switches_to_the_weekly_digest_from_the_menu(served, smtp, page):
    from axe_playwright_python.sync_playwright import Axe

    with served.app_context():
        SignedPost(served.test_client())(interview_event())
        create_user("sam@staffing.example")
    base = served.config["BASE_URL"]
    page.goto(f"{base}/dashboard")
    page.get_by_label("Your work email").fill("sam@staffing.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    body = smtp.messages[-1].get_body(("plain",)).get_content()
    page.goto(re.search(r"(http://127\.0\.0\.1:\d+/login/\S+)", body).group(1))
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Once a week, on Monday morning").check()
    page.get_by_role("button", name="Save").click()

    assert (
        "Your digest now comes once a week" in page.get_by_role("status").inner_text()
    )
    assert page.get_by_label("Once a week, on Monday morning").is_checked()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    with served.app_context():
        from plugin.extensions import db

        sam = db.session.scalars(select(Recruiter)).one()
        assert sam.digest_frequency == "weekly"
