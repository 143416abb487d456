"""Every candidate email, per step and per routing: right facts, both parts, no gaps."""

from __future__ import annotations

import pytest

from tests.support.cadence_emails import all_emails, folded, visible_text
from tests.support.events import DELETE
from tests.support.smtp import html_part, text_part


@pytest.mark.parametrize("routing", ["direct", "via_recruiter"])
def test_each_step_has_both_parts_with_the_same_facts(
    settings, tmp_path, smtp, routing
):
    emails = all_emails(settings, tmp_path, smtp, routing)

    assert len(emails) == 4
    for subject, message in emails.items():
        plain, rich = folded(text_part(message)), visible_text(message)
        for fact in (
            "Payroll Specialist role at Acme Logistics",
            "Northwind Staffing",
            "12 Harbour Road, Portland, ME 04101",
            "Hi Dana,",
        ):
            assert fact in plain and fact in rich, (subject, fact)
        for part in (plain, rich):
            assert "{{" not in part and "{%" not in part, subject
            assert "None" not in part, subject
            assert "/plan/" in text_part(message) and "/plan/" in html_part(message)


def test_thank_you_has_a_separate_draft_for_each_interviewer(settings, tmp_path, smtp):
    message = all_emails(settings, tmp_path, smtp)[
        "Your Acme Logistics interview: thank-you notes to send"
    ]

    plain = text_part(message)
    drafts = plain.split("---- To ")[1:]
    assert [d.splitlines()[0] for d in drafts] == [
        "Lee Park, Payroll Manager ----",
        "Amara Nwosu, HR Business Partner ----",
    ]
    assert "Dear Lee," in drafts[0] and "Lee" not in drafts[1]
    assert "Hi Amara," in drafts[1] and "Amara" not in drafts[0]


def test_note_spells_each_name_and_gives_the_address_and_post_by(
    settings, tmp_path, smtp
):
    message = all_emails(settings, tmp_path, smtp)[
        "Optional: a handwritten note for Acme Logistics"
    ]

    plain = text_part(message)
    assert "  - Lee Park, Payroll Manager" in plain
    assert "  - Amara Nwosu, HR Business Partner" in plain
    assert "100 Main St, Springfield, IL 62701" in plain
    assert "Post it by Friday, December 4" in plain


def test_check_in_names_the_role_and_the_deadline(settings, tmp_path, smtp):
    message = all_emails(settings, tmp_path, smtp)[
        "A short check-in with Acme Logistics"
    ]

    plain = folded(text_part(message))
    assert "hoped to decide by Tuesday, December 8" in plain
    assert (
        "Subject: Checking in on the Payroll Specialist role at Acme Logistics" in plain
    )
    assert "Dear Lee," in plain
    assert "phone call" not in plain


def test_check_in_suggests_a_call_only_when_the_manager_allows_it(
    settings, tmp_path, smtp
):
    emails = all_emails(
        settings, tmp_path, smtp, **{"data.application.hiring_manager.ok_to_call": True}
    )

    assert "a phone call is fine" in text_part(
        emails["A short check-in with Acme Logistics"]
    )


def test_check_in_without_a_deadline_says_it_assumed_one(settings, tmp_path, smtp):
    emails = all_emails(
        settings, tmp_path, smtp, **{"data.application.decision_deadline": DELETE}
    )

    plain = folded(text_part(emails["A short check-in with Acme Logistics"]))
    assert (
        "didn't give a decision date, so we waited 7 days after your last interview"
        in plain
    )


def test_via_recruiter_sends_the_drafts_through_the_recruiter(settings, tmp_path, smtp):
    emails = all_emails(settings, tmp_path, smtp, routing="via_recruiter")

    thank_you = folded(
        text_part(emails["Your Acme Logistics interview: thank-you notes to send"])
    )
    check_in = folded(text_part(emails["Time to ask your recruiter for news"]))
    assert (
        "send your notes to Sam Rivera (sam@staffing.example) rather than to Acme"
        in thank_you
    )
    assert "Dear Lee," in thank_you  # addressed the same way
    assert "---- To Sam Rivera <sam@staffing.example> ----" in check_in
    assert "Dear Lee Park" not in check_in


def test_missing_facts_degrade_gracefully(settings, tmp_path, smtp):
    emails = all_emails(
        settings,
        tmp_path,
        smtp,
        **{
            "data.candidate.first_name": None,
            "data.application.job_title": None,
            "data.application.employer": {"name": None},
            "data.application.hiring_manager": None,
            "data.application.recruiter": None,
            "data.interview.interviewers": [{"name": "Jo Kim"}],
        },
    )

    assert set(emails) == {
        "Your interview: thank-you notes to send",
        "Optional: a handwritten thank-you note",
        "A short check-in",
        "You've done your part",
    }
    for message in emails.values():
        for part in (text_part(message), visible_text(message)):
            assert "None" not in part and "Hi there," in part
            assert ", ----" not in part and "the  role" not in part
    check_in = text_part(emails["A short check-in"])
    assert "Dear Hiring Manager," in check_in
    assert "---- To Jo Kim ----" in text_part(
        emails["Your interview: thank-you notes to send"]
    )
