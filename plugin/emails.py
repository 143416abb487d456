"""What each candidate email says: the facts it needs, and the rendered message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import clock
from .extensions import db
from .models import Interview, OutboundEmail
from .planning import zone_of
from .policy import Policy


@dataclass(frozen=True)
class InterviewerDraft:
    """One person met in a round, for a personal thank-you draft."""

    name: str
    title: str | None


@dataclass(frozen=True)
class RenderedEmail:
    """Subject and both bodies of one email."""

    subject: str
    text: str
    html: str


def render_email(email: OutboundEmail) -> RenderedEmail:
    """Render the email's template with the facts we hold right now."""
    context = _CONTEXT_BUILDERS[email.template](email)
    context["firm"] = current_app.config["POLICY"].firm
    return RenderedEmail(
        subject=context["subject"],
        text=render_template(f"email/{email.template}.txt", **context),
        html=render_template(f"email/{email.template}.html", **context),
    )


def build_message(
    email: OutboundEmail, rendered: RenderedEmail, message_id: str
) -> EmailMessage:
    """Assemble the MIME message (text first, HTML alternative)."""
    application = email.application
    candidate = application.candidate
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr(
        (_full_name(candidate.first_name, candidate.last_name), candidate.email or "")
    )
    reply_to = _reply_to(email, current_app.config["POLICY"])
    if reply_to:
        message["Reply-To"] = reply_to
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(clock.now())
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def new_message_id(email_id: int) -> str:
    """A Message-ID unique to this email, on the sender's domain."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
    return f"<followup.{email_id}.{uuid.uuid4().hex}@{domain or 'localhost'}>"


def _reply_to(email: OutboundEmail, policy: Policy) -> str | None:
    recruiter = email.application.recruiter
    if recruiter is not None:
        return formataddr((recruiter.name or "", recruiter.email))
    return policy.firm.reply_to or None


def role_phrase(job_title: str | None, employer: str | None) -> str:
    """ "the Payroll Specialist role at Acme", saying only what we know."""
    if job_title and employer:
        return f"the {job_title} role at {employer}"
    if job_title:
        return f"the {job_title} role"
    return f"the role at {employer}" if employer else "the role"


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def _thank_you_context(email: OutboundEmail) -> dict[str, Any]:
    application = email.application
    policy: Policy = current_app.config["POLICY"]
    round_date = email.touchpoint.round_date if email.touchpoint else None
    interviewers = _round_interviewers(application.id, round_date, policy, application)
    employer = application.employer_name
    return {
        "subject": f"Your {employer} interview: thank-you notes to send today"
        if employer
        else "Your interview today: thank-you notes to send",
        "first_name": application.candidate.first_name,
        "role": role_phrase(application.job_title, employer),
        "interviewers": interviewers,
        "met_when": _met_when(round_date, zone_of(application, policy)),
        "recruiter_name": application.recruiter.name if application.recruiter else None,
    }


def _met_when(round_date: date | None, zone: Any) -> str:
    """ "today", "yesterday" or "on Tuesday", as the candidate reads the email."""
    if round_date is None:
        return "recently"
    days = (clock.now().astimezone(zone).date() - round_date).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"on {round_date:%A}"


def _round_interviewers(
    application_id: int, round_date: date | None, policy: Policy, application: Any
) -> list[InterviewerDraft]:
    """Everyone met in the round, once each, in the order they were met."""
    interviews = db.session.scalars(
        select(Interview)
        .filter_by(application_id=application_id)
        .options(selectinload(Interview.interviewers))
        .order_by(Interview.starts_at)
    ).all()
    zone = zone_of(application, policy)
    people: dict[tuple[str, str], InterviewerDraft] = {}
    for interview in interviews:
        if not interview.is_held or interview.ends_at is None:
            continue
        if round_date and interview.ends_at.astimezone(zone).date() != round_date:
            continue
        for person in interview.interviewers:
            key = (person.name.strip().lower(), (person.title or "").strip().lower())
            people.setdefault(key, InterviewerDraft(person.name.strip(), person.title))
    return list(people.values())


_CONTEXT_BUILDERS = {"thank_you": _thank_you_context}
