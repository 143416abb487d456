"""The recruiter's dashboard in a real browser: sign in by email link, pause, and
read the first screen, a timeline strip and the outcomes, each checked by axe, with
screenshots in test-artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.extensions import db
from plugin.jobs.tick import run_tick
from plugin.models import Application, Touchpoint, TouchpointStatus
from plugin.operations import actions
from plugin.operations.accounts import create_user
from tests.browser.chromium import ARTIFACTS
from tests.support.dashboard import BOSS, SAM, a_recruiters_morning
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
        statuses = {t.status for t in db.session.scalars(select(Touchpoint))}
    assert statuses == {TouchpointStatus.CANCELLED}


def test_dashboard_passes_an_accessibility_check(served, smtp, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{served.config['BASE_URL']}/login")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


DESKTOP = {"width": 1100, "height": 900}


@pytest.fixture
def morning(served):
    """A recruiter's book around the real clock: the server reads the real time."""
    now = datetime.now(UTC)

    def tick(instant):
        with clock.frozen_at(instant):
            run_tick()

    with served.app_context():
        ids = a_recruiters_morning(SignedPost(served.test_client()), tick, now)
        dana = db.session.scalars(
            select(Application).filter_by(external_id=ids["today"])
        ).one()
        actions.report_competing_offer(
            dana, "Globex", (now + timedelta(days=3)).date(), None
        )
        create_user(SAM)
        create_user(BOSS, is_admin=True)
        return {
            key: db.session.scalar(select(Application.id).filter_by(external_id=ext))
            for key, ext in ids.items()
        }


@pytest.fixture
def desk(browser):
    """A desktop-sized tab, as recruiters read the dashboard."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def sign_in(tab, smtp, base: str, email: str) -> None:
    """Ask for a link, open it from the email, and press Sign in."""
    tab.goto(f"{base}/login")
    tab.get_by_label("Your work email").fill(email)
    tab.get_by_role("button", name="Email me a sign-in link").click()
    tab.get_by_role("heading", name="Check your email").wait_for()
    for message in reversed(smtp.messages):
        if str(message["To"]) == email:
            body = message.get_body(("plain",)).get_content()
            break
    tab.goto(re.search(r"(http://127\.0\.0\.1:\d+/login/\S+)", body).group(1))
    tab.get_by_role("button", name="Sign in").click()


def no_axe_violations(tab) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    assert results.violations_count == 0, results.generate_report()


def screenshot(tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_the_first_screen_says_who_needs_the_recruiter_today(
    served, smtp, morning, desk
):
    base = served.config["BASE_URL"]
    sign_in(desk, smtp, base, SAM)

    desk.goto(f"{base}/dashboard")

    assert desk.get_by_role("heading", level=1).inner_text() == "Who needs you today"
    counts = desk.locator("ul.bucket-counts").inner_text()
    assert " ".join(counts.split()) == (
        "1 Competing offers 2 Decisions overdue 1 Check-ins due 1 Interviews today"
    )
    offers = desk.get_by_role("region", name="Competing offers (1)")
    assert "Payroll Specialist, Acme Logistics" in offers.inner_text()
    no_axe_violations(desk)
    screenshot(desk, "dashboard-first-screen.png")

    desk.get_by_label("Find an application").fill("shah")
    desk.get_by_role("button", name="Search").click()
    assert desk.get_by_role("link", name="Ravi Shah").is_visible()
    no_axe_violations(desk)
    screenshot(desk, "dashboard-search.png")


def test_the_application_page_draws_its_timeline_strip(served, smtp, morning, desk):
    base = served.config["BASE_URL"]
    sign_in(desk, smtp, base, SAM)

    desk.goto(f"{base}/dashboard/applications/{morning['waiting']}")

    strip = desk.get_by_role("img", name="Timeline of Ravi Shah's application")
    assert strip.is_visible()
    labels = strip.locator("text").all_text_contents()
    assert labels[0].startswith("Today ")
    kinds = {label.split(" ")[0] for label in labels}
    assert {
        "Interview",
        "Thank-you",
        "Note",
        "Deadline",
        "Check-in",
        "Move-on",
    } <= kinds
    no_axe_violations(desk)
    screenshot(desk, "application-timeline.png")


def test_the_outcomes_page_charts_the_etiquette(served, smtp, morning, desk):
    base = served.config["BASE_URL"]
    sign_in(desk, smtp, base, BOSS)

    desk.goto(f"{base}/dashboard/outcomes")

    assert desk.get_by_role(
        "img", name="Thank-you coaching within 24 hours of the interview"
    ).is_visible()
    assert desk.get_by_role(
        "img", name="Days from the last interview to the decision"
    ).is_visible()
    text = desk.locator("main").inner_text()
    assert "100% (4 of 4)" in text and "100% (1 of 1)" in text
    assert "over 2 decisions" in text
    no_axe_violations(desk)
    screenshot(desk, "outcomes.png")
