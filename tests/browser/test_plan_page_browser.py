"""The plan page in a real browser, opened from a link in a real email."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import CompetingOffer
from tests.browser.chromium import ARTIFACTS
from tests.support.candidate import THANK_YOU_DUE
from tests.support.events import interview_event
from tests.support.signing import SignedPost
from tests.support.smtp import text_part


def plan_link_from_email(served, smtp) -> str:
    """Post the interview, send the thank-you, and take the link out of the email."""
    with served.app_context():
        SignedPost(served.test_client())(interview_event())
        with clock.frozen_at(THANK_YOU_DUE):
            run_tick()
    (message,) = smtp.candidate_messages
    return re.search(r"(http://127\.0\.0\.1:\d+/plan/\S+)", text_part(message)).group(1)


def test_candidate_reports_a_competing_offer(served, smtp, page):
    page.goto(plan_link_from_email(served, smtp))
    page.screenshot(path=str(ARTIFACTS / "plan-page-opened.png"), full_page=True)

    deadline = date.today() + timedelta(days=5)
    page.get_by_label("Which company made the offer? (optional)").fill("Birch & Co")
    page.get_by_label("When do you need to answer them?").fill(deadline.isoformat())
    clicked = time.monotonic()
    page.get_by_role("button", name="Report the offer").click()

    status = page.get_by_role("status")
    assert "told your recruiter" in status.inner_text()
    alerts = [
        m
        for m in smtp.recruiter_messages
        if str(m["Subject"]).strip().startswith("Competing offer: Dana Okafor")
    ]
    assert len(alerts) == 1 and time.monotonic() - clicked < 10
    with served.app_context():
        from plugin.extensions import db

        offer = db.session.scalars(select(CompetingOffer)).one()
        assert offer.employer_name == "Birch & Co" and offer.offer_deadline == deadline
    assert (
        smtp.candidate_messages[-1]["Subject"]
        == "Your other offer: how to tell Acme Logistics"
    )


def test_a_missing_date_is_explained_on_the_page(served, smtp, page):
    page.goto(plan_link_from_email(served, smtp))

    page.get_by_role("button", name="Report the offer").click()

    error = page.locator("#offer_deadline-error")
    assert error.inner_text() == "Give the date you need to answer by."
    assert (
        page.get_by_label("When do you need to answer them?").get_attribute(
            "aria-invalid"
        )
        == "true"
    )


def test_the_form_works_from_the_keyboard_alone(served, smtp, page):
    page.goto(plan_link_from_email(served, smtp))

    page.get_by_label("Which company made the offer? (optional)").focus()
    page.keyboard.type("Birch")
    page.keyboard.press("Tab")
    # Typed as a person would: Chromium's date field moves between its parts as it goes.
    page.keyboard.type((date.today() + timedelta(days=3)).strftime("%m%d%Y"), delay=60)
    expected = (date.today() + timedelta(days=3)).isoformat()
    assert (
        page.get_by_label("When do you need to answer them?").input_value() == expected
    )
    tabs = _tab_to(page, "note")
    page.keyboard.type("Keyboard only")
    tabs += _tab_to(page, "Report the offer")
    page.keyboard.press("Enter")

    assert tabs <= 4  # the date field's own parts may take a stop or two
    assert "told your recruiter" in page.get_by_role("status").inner_text()
    with served.app_context():
        from plugin.extensions import db

        assert db.session.scalars(select(CompetingOffer)).one().note == "Keyboard only"


def _tab_to(page, target: str, limit: int = 4) -> int:
    """Press Tab until the element with that id or text has focus; count presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.id, document.activeElement.textContent.trim()]"
        )
        if target in focused:
            return presses
    raise AssertionError(f"{target} never got the keyboard focus")


def test_plan_page_passes_an_accessibility_check(served, smtp, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(plan_link_from_email(served, smtp))

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_unsubscribe_page_passes_an_accessibility_check(served, smtp, page):
    from axe_playwright_python.sync_playwright import Axe

    plan_link_from_email(served, smtp)
    link = str(smtp.candidate_messages[0]["List-Unsubscribe"]).strip()[1:-1]
    page.goto(link)

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name=re.compile("Stop emails about")).click()
    assert "You're unsubscribed" in page.get_by_role("heading", level=1).inner_text()


def test_notes_go_into_the_draft_and_the_copy_button_copies_it(served, smtp, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(plan_link_from_email(served, smtp))
    draft = page.get_by_label("Thank-you draft to Lee Park", exact=True)
    assert "Dear Lee," in draft.input_value()

    page.locator("#note-0-discussed").fill("the month-end close")
    page.locator("#note-0-reinforce").fill("I cut our close from five days to three")
    page.get_by_role("button", name="Save my notes about Lee Park").click()

    assert (
        "Your notes about Lee Park are saved"
        in page.get_by_role("status").first.inner_text()
    )
    text = page.get_by_label("Thank-you draft to Lee Park", exact=True).input_value()
    assert "especially the month-end close." in text
    assert "I cut our close from five days to three." in text
    page.get_by_role("button", name="Copy the thank-you draft to Lee Park").click()
    page.locator("#draft-0-body-status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.screenshot(path=str(ARTIFACTS / "plan-page-draft-copied.png"), full_page=True)


def test_a_note_too_long_is_explained_beside_the_field(served, smtp, page):
    page.goto(plan_link_from_email(served, smtp))
    field = page.locator("#note-0-reinforce")
    # The browser stops typing at the limit; a request built by hand is refused.
    field.evaluate("element => element.removeAttribute('maxlength')")
    field.fill("x" * 301)
    page.get_by_role("button", name="Save my notes about Lee Park").click()

    assert (
        page.locator("#note-0-reinforce-error").inner_text()
        == "Keep it to 300 characters or fewer."
    )
    assert page.locator("#note-0-reinforce").get_attribute("aria-invalid") == "true"


def test_without_javascript_the_draft_is_still_there_to_copy(browser, served, smtp):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(plan_link_from_email(served, smtp))

    box = page.get_by_label("Thank-you draft to Lee Park", exact=True)
    assert box.get_attribute("readonly") is not None
    assert "Dear Lee," in box.input_value()
    assert not page.get_by_role(
        "button", name="Copy the thank-you draft to Lee Park"
    ).is_visible()
    context.close()


def test_plan_page_with_notes_and_drafts_passes_an_accessibility_check(
    served, smtp, page
):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(plan_link_from_email(served, smtp))
    page.locator("#note-0-discussed").fill("the team")
    page.get_by_role("button", name="Save my notes about Lee Park").click()
    page.get_by_role("button", name="Copy the thank-you draft to Lee Park").wait_for()

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
