"""Sample data to render every candidate email and page with (`templates check`).

The facts are those coaching.py gathers; the drafts are rendered from the real
draft templates, one per interviewer role, so a check in Spanish reads them too.
Dates are written in the language being rendered, as coaching.py writes them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from plugin.cadence.roles import InterviewerRole
from plugin.config import firm_policy
from plugin.mail.drafts import Draft, Person, check_in_drafts, render_draft
from plugin.mail.language import long_date, role_phrase

SAMPLE_ADDRESS = "1 Sample Street, Springfield, IL 62701"
SAMPLE_UNSUBSCRIBE = "https://coach.example/unsubscribe/sample-token"
SAMPLE_TODAY = date(2026, 12, 1)
# One person for each angle a thank-you takes, the neutral draft last.
SAMPLE_PEOPLE = (
    Person("Lee Park", "Payroll Manager", None, InterviewerRole.HIRING_MANAGER),
    Person("Ana Ruiz", "HR Business Partner", None, InterviewerRole.RECRUITER),
    Person("Kim Osei", "Payroll Analyst", None, InterviewerRole.PEER),
    Person("Ravi Menon", "VP Finance", None, InterviewerRole.LEADER),
    Person("Jo Baker", None, None, InterviewerRole.UNKNOWN),
)


def sample_facts() -> dict[str, Any]:
    """The facts of every candidate email, without the drafts built from them."""
    firm = firm_policy().firm
    if not firm.postal_address:
        firm = replace(firm, postal_address=SAMPLE_ADDRESS)
    return {
        "firm": firm,
        "first_name": "Dana",
        "role": role_phrase("Payroll Specialist", "Acme Logistics"),
        "job_title": "Payroll Specialist",
        "employer": "Acme Logistics",
        "via_recruiter": False,
        "recruiter_name": "Sam Rivera",
        "recruiter_email": "sam@staffing.example",
        "signature": "Sam Rivera",
        "manager_name": "Lee Park",
        "plan_url": "https://coach.example/plan/sample-token",
        "unsubscribe_url": SAMPLE_UNSUBSCRIBE,
        "people": [_met(person) for person in SAMPLE_PEOPLE],
        "mailing_address": "100 Main St, Springfield, IL 62701",
        "post_by": long_date(date(2026, 12, 3)),
        "deadline": long_date(date(2026, 12, 8)),
        "deadline_stated": True,
        "assumed_days": 7,
        "last_interview": long_date(SAMPLE_TODAY),
        "manager_email": None,
        "ok_to_call": True,
        "other_employer": "Birch & Co",
        "offer_deadline": long_date(date(2026, 12, 7)),
        "days_left": 5,
        "heard_back": False,
        "outcome": None,
    }


def sample_email_context(**changes: Any) -> dict[str, Any]:
    """Facts for every candidate email, as coaching.py gathers them, drafts included.

    `changes` replace facts before the drafts are written from them.
    """
    facts = {**sample_facts(), **changes}
    return {**facts, **sample_drafts(facts)}


def sample_drafts(facts: dict[str, Any]) -> dict[str, Any]:
    """The thank-you drafts to each person met, and the check-in with its script."""
    people = facts["people"]
    drafts = [_thank_you_draft(person, facts) for person in people]
    to_name = (
        facts["recruiter_name"] if facts["via_recruiter"] else facts["manager_name"]
    )
    words = {**facts, "dear": to_name.split()[0] if to_name else None}
    with_call = facts["ok_to_call"] and not facts["via_recruiter"]
    return {"drafts": drafts, **check_in_drafts(to_name, None, words, with_call)}


def page_samples() -> dict[str, dict[str, Any]]:
    """Each candidate page we can draw without a database, with its sample context."""
    application = SimpleNamespace(
        job_title="Payroll Specialist", employer_name="Acme Logistics"
    )
    form = SimpleNamespace(csrf_token=Markup(""))
    return {
        "plan/erase.html": {
            "token": "sample-token",
            "role": "the Payroll Specialist role at Acme Logistics",
            "form": form,
        },
        "plan/erased.html": {},
        "plan/problem.html": {
            "problem": SimpleNamespace(title="Sample title", message="Sample message")
        },
        "plan/unsubscribe.html": {"token": "sample-token", "application": application},
        "plan/unsubscribed.html": {"scope": "application", "application": application},
        "error.html": {"status": 404, "title": "Not found"},
        "home.html": {"database_up": True},
    }


def _met(person: Person) -> Person:
    return replace(person, met_on=SAMPLE_TODAY, dear=person.name.split()[0])


def _thank_you_draft(person: Person, facts: dict[str, Any]) -> Draft:
    subject, body = render_draft(
        "thank_you",
        person=person,
        dear=person.dear,
        met_on=person.met_on,
        today=SAMPLE_TODAY,
        discussed=None,
        reinforce=None,
        job_title=facts["job_title"],
        employer=facts["employer"],
        sender_name=facts.get("sender_name"),
    )
    return Draft(
        to_name=person.name,
        to_title=person.title,
        role=person.role.value,
        subject=subject,
        body=body,
    )
