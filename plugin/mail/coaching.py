"""The facts each coaching email needs, gathered per step from what we hold.

Only facts we hold appear; a missing one leaves its sentence out rather than
printing "None". Routing decides who the drafts go to.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from plugin import clock
from plugin.cadence.deadlines import effective_deadline
from plugin.cadence.roles import role_from_title
from plugin.cadence.rounds import group_rounds
from plugin.cadence.steps import InterviewFacts, Step
from plugin.config import firm_policy
from plugin.config.policy import Policy
from plugin.mail import language
from plugin.mail.drafts import (
    Draft,
    Person,
    check_in_drafts,
    salutation_name,
    thank_you_drafts,
)
from plugin.mail.links import email_links
from plugin.models import Application, Interview, Interviewer, OutboundEmail
from plugin.models.notes import person_key
from plugin.models.zones import zone_of


def context_for(email: OutboundEmail) -> dict[str, Any]:
    """Everything the email's templates need, for its step or answer."""
    slot = email.touchpoint.slot if email.touchpoint else ""
    return step_context(email.application, email.template, slot)


def step_context(
    application: Application, template: str, slot: str = ""
) -> dict[str, Any]:
    """The facts of one step's email (slot: its round's date), drafts included.

    The plan page shows the same drafts: with no slot, everyone met in any round.
    """
    policy: Policy = firm_policy()
    zone = zone_of(application, policy)
    base = _common(application, policy)
    builder = _BUILDERS[template]
    return {**base, **builder(application, slot, zone, policy)}


def people_met(application: Application) -> list[Person]:
    """Everyone the candidate met in any round, once each, in meeting order."""
    policy = firm_policy()
    return _people_met(application, "", zone_of(application, policy), policy)


def role_phrase(job_title: str | None, employer: str | None) -> str:
    """ "the Payroll Specialist role at Acme", in English for the firm's staff.

    Candidates read `language.role_phrase`, in their own language.
    """
    if job_title and employer:
        return f"the {job_title} role at {employer}"
    if job_title:
        return f"the {job_title} role"
    return f"the role at {employer}" if employer else "the role"


def _common(application: Application, policy: Policy) -> dict[str, Any]:
    recruiter = application.recruiter
    return {
        "first_name": application.candidate.first_name,
        "role": language.role_phrase(application.job_title, application.employer_name),
        "job_title": application.job_title,
        "employer": application.employer_name,
        "via_recruiter": policy.routing.mode == "via_recruiter",
        "recruiter_name": recruiter.name if recruiter else None,
        "recruiter_email": recruiter.email if recruiter else None,
        "signature": (
            recruiter.name if recruiter and recruiter.name else policy.firm.name
        ),
        "manager_name": application.hiring_manager_name,
        "manager_dear": _dear(application.hiring_manager_name, policy),
        "recruiter_dear": _dear(recruiter.name if recruiter else None, policy),
        "sender_name": _sender_name(application),
        **email_links(application.id),
    }


def _thank_you(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> dict[str, Any]:
    employer = application.employer_name
    people = _people_met(application, slot, zone, policy)
    today = clock.now().astimezone(zone).date()
    facts = {
        "job_title": application.job_title,
        "employer": employer,
        "sender_name": _sender_name(application),
    }
    return {
        "people": people,
        "drafts": thank_you_drafts(application, people, today, facts),
    }


def _handwritten_note(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> dict[str, Any]:
    post_by = clock.now().astimezone(zone).date() + timedelta(
        days=policy.handwritten_note.post_within_days
    )
    return {
        "people": _people_met(application, slot, zone, policy),
        "mailing_address": application.employer_mailing_address,
        "post_by": _long_date(post_by),
    }


def _check_in(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> dict[str, Any]:
    rounds = group_rounds(_held(application), zone)
    last_day = rounds[-1].local_date if rounds else clock.now().astimezone(zone).date()
    deadline = effective_deadline(
        application.decision_deadline, last_day, policy.check_in
    )
    via = policy.routing.mode == "via_recruiter"
    facts = {
        "deadline": _long_date(deadline.day),
        "deadline_stated": deadline.stated,
        "assumed_days": policy.check_in.default_deadline_days,
        "last_interview": _long_date(last_day),
        "manager_email": application.hiring_manager_email
        if policy.routing.share_contact_emails
        else None,
        "ok_to_call": bool(application.hiring_manager_ok_to_call) and not via,
    }
    drafts = _check_in_drafts(application, policy, via, facts)
    return {**facts, **drafts}


def _check_in_drafts(
    application: Application, policy: Policy, via: bool, facts: dict[str, Any]
) -> dict[str, Draft | None]:
    """The check-in draft, and a phone script when the manager said calls are fine."""
    recruiter = application.recruiter
    if via:  # the candidate asks their recruiter, who asks the employer
        to_name = recruiter.name if recruiter else None
        to_email = recruiter.email if recruiter else None
    else:
        to_name, to_email = application.hiring_manager_name, facts["manager_email"]
    style = policy.drafts.salutation
    words = {
        **facts,
        "via_recruiter": via,
        "role": language.role_phrase(application.job_title, application.employer_name),
        "employer": application.employer_name,
        "manager_name": application.hiring_manager_name,
        "manager_dear": _dear(application.hiring_manager_name, policy),
        "recruiter_dear": _dear(recruiter.name if recruiter else None, policy),
        "sender_name": _sender_name(application),
        "dear": salutation_name(to_name, style) if to_name else None,
    }
    return check_in_drafts(to_name, to_email, words, with_call=facts["ok_to_call"])


def _move_on(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> dict[str, Any]:
    return {}  # the email needs only the common facts


def _offer_guidance(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> dict[str, Any]:
    offer = application.competing_offers[-1]
    days_left = (offer.offer_deadline - clock.now().astimezone(zone).date()).days
    return {
        "other_employer": offer.employer_name,
        "offer_deadline": _long_date(offer.offer_deadline),
        "days_left": days_left,
        "last_interview": _last_interview_day(application, zone),
    }


def _report_received(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> dict[str, Any]:
    heard = application.heard_back_at is not None
    outcome = application.heard_back_outcome if heard else None
    deadline = application.decision_deadline
    return {
        "heard_back": heard,
        "outcome": outcome,
        "deadline": _long_date(deadline) if deadline and not heard else None,
    }


_BUILDERS = {
    Step.THANK_YOU.value: _thank_you,
    Step.HANDWRITTEN_NOTE.value: _handwritten_note,
    Step.CHECK_IN.value: _check_in,
    Step.MOVE_ON.value: _move_on,
    "offer_guidance": _offer_guidance,
    "report_received": _report_received,
}


def _held(application: Application) -> list[InterviewFacts]:
    return [
        InterviewFacts(i.id, i.ends_at)
        for i in application.interviews
        if i.is_held and i.ends_at is not None
    ]


def _people_met(
    application: Application, slot: str, zone: tzinfo, policy: Policy
) -> list[Person]:
    """Everyone met in the round (slot = its date), once each, in meeting order.

    With no slot, everyone met in any round, on the day last met.
    """
    round_day = date.fromisoformat(slot) if slot else None
    share = policy.routing.share_contact_emails and policy.routing.mode == "direct"
    people: dict[str, Person] = {}
    for interview in sorted(application.interviews, key=_start):
        if not interview.is_held or interview.ends_at is None:
            continue
        day = interview.ends_at.astimezone(zone).date()
        if round_day and day != round_day:
            continue
        for person in interview.interviewers:
            key = person_key(person.name)
            known = people.get(key)
            title = (known.title if known else None) or person.title or None
            manager = _is_hiring_manager(person, application)
            people[key] = Person(
                person.name.strip(),
                title,
                person.email if share else None,
                role_from_title(title, manager),
                day,
                salutation_name(person.name, policy.drafts.salutation),
            )
    return list(people.values())


def _is_hiring_manager(person: Interviewer, application: Application) -> bool:
    """The event names the hiring manager: the same address, or the same name."""
    email, name = application.hiring_manager_email, application.hiring_manager_name
    if email and person.email and email.casefold() == person.email.casefold():
        return True
    return bool(name) and person_key(name or "") == person_key(person.name)


def _dear(name: str | None, policy: Policy) -> str | None:
    """The name after "Dear" in a draft, as the firm's salutation policy says."""
    return salutation_name(name, policy.drafts.salutation) if name else None


def _sender_name(application: Application) -> str | None:
    """The candidate's name to sign their drafts, when we hold it."""
    candidate = application.candidate
    known = candidate.first_name or candidate.last_name
    return candidate.display_name if known else None


def _start(interview: Interview) -> datetime:
    return interview.starts_at or interview.ends_at or clock.now()


def _last_interview_day(application: Application, zone: tzinfo) -> str | None:
    rounds = group_rounds(_held(application), zone)
    return _long_date(rounds[-1].local_date) if rounds else None


def _long_date(day: date) -> str:
    """A day as the reader writes it: coaching runs under the candidate's locale."""
    return language.long_date(day)
