"""The drafts a candidate sends: one per person met, the check-in, a phone script.

Each draft's words live in `templates/email/drafts/`: a template sets `subject`
and renders the body, so firms (and translations) change wording in one place.
Here we choose the draft for who the person was, fill in the candidate's own
notes, greet as the firm's policy says, and build the "open in my email app" link.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from flask import current_app, g
from sqlalchemy import select

from plugin.cadence.roles import InterviewerRole
from plugin.extensions import db
from plugin.mail.language import template_translations
from plugin.models import Application, InterviewerNote, OutboundEmail
from plugin.models.notes import person_key

# Words before a name that are not a first name: "Dr. Ana Ruiz" is "Ana".
HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "prof", "dra", "sr", "sra", "srta"}
# Where `notes_read_once` keeps a delivery job's notes, in its app context.
_JOB_NOTES = "followup_job_notes"


@dataclass(frozen=True)
class Person:
    """Someone the candidate met, as their drafts address them."""

    name: str
    title: str | None
    email: str | None  # only when the firm lets drafts show it
    role: InterviewerRole = InterviewerRole.UNKNOWN
    met_on: date | None = None  # the day of the round, in the candidate's zone
    dear: str = ""  # the name after "Dear", as the firm's policy says


@dataclass(frozen=True)
class Draft:
    """One ready-to-edit message: who it is to, its subject and body, a mailto link."""

    to_name: str
    subject: str
    body: str
    to_email: str | None = None
    to_title: str | None = None
    role: str = ""
    mailto: str | None = None


def salutation_name(name: str, style: str) -> str:
    """The name after "Dear": the first name (first word) or the full name."""
    words = name.split()
    if style == "full_name" or not words:
        return " ".join(words)
    if len(words) > 1 and words[0].rstrip(".").casefold() in HONORIFICS:
        words = words[1:]
    return words[0]


def thank_you_drafts(
    application: Application,
    people: list[Person],
    today: date,
    facts: Mapping[str, Any],
) -> list[Draft]:
    """A personal thank-you to each person, with the candidate's notes filled in."""
    notes = notes_by_person(application)
    drafts = []
    for person in people:
        note = notes.get(person_key(person.name))
        subject, body = render_draft(
            "thank_you",
            person=person,
            dear=person.dear,
            met_on=person.met_on,
            today=today,
            discussed=as_phrase(note.discussed) if note else None,
            reinforce=as_sentence(note.reinforce) if note else None,
            **facts,
        )
        drafts.append(
            Draft(
                to_name=person.name,
                to_title=person.title,
                to_email=person.email,
                role=person.role.value,
                subject=subject,
                body=body,
                mailto=mailto(person.email, subject, body),
            )
        )
    return drafts


def check_in_drafts(
    to_name: str | None, to_email: str | None, words: dict[str, Any], with_call: bool
) -> dict[str, Draft | None]:
    """The check-in email, and a phone script when the manager said calls are fine."""
    subject, body = render_draft("check_in", **words)
    draft = Draft(
        to_name=to_name or "",
        to_email=to_email,
        subject=subject,
        body=body,
        mailto=mailto(to_email, subject, body),
    )
    phone_script = None
    if with_call:
        title, script = render_draft("phone_script", **words)
        phone_script = Draft(to_name=to_name or "", subject=title, body=script)
    return {"draft": draft, "phone_script": phone_script}


def as_phrase(text: str | None) -> str | None:
    """A note that goes mid-sentence ("especially {note}."): no final full stop."""
    phrase = " ".join((text or "").split()).rstrip(".").strip()
    return phrase or None


def as_sentence(text: str | None) -> str | None:
    """A note that stands as a sentence: a capital first, a full stop last."""
    sentence = " ".join((text or "").split())
    if not sentence:
        return None
    if sentence[-1] not in ".!?":
        sentence += "."
    return sentence[0].upper() + sentence[1:]


def notes_by_person(application: Application) -> dict[str, InterviewerNote]:
    """The candidate's notes for this application, by person."""
    read_once: dict[int, dict[str, InterviewerNote]] = g.get(_JOB_NOTES, {})
    if application.id in read_once:
        return read_once[application.id]
    return {
        note.person_key: note
        for note in db.session.scalars(
            select(InterviewerNote).filter_by(application_id=application.id)
        )
    }


@contextmanager
def notes_read_once(email_ids: list[int]) -> Iterator[None]:
    """Read the notes of every application these emails are for, in one query.

    A delivery job's drafts take them from here instead of a query per email. Notes
    are words for the drafts, not rules: one saved while the job runs is simply not
    in its drafts. They leave the session, so the job's commits do not expire them.
    """
    notes: dict[int, dict[str, InterviewerNote]] = {}
    rows = db.session.execute(
        select(OutboundEmail.application_id, InterviewerNote)
        .outerjoin(
            InterviewerNote,
            InterviewerNote.application_id == OutboundEmail.application_id,
        )
        .where(OutboundEmail.id.in_(email_ids))
    )
    for application_id, note in rows:
        by_person = notes.setdefault(application_id, {})
        if note is not None:
            db.session.expunge(note)
            by_person[note.person_key] = note
    setattr(g, _JOB_NOTES, notes)
    try:
        yield
    finally:
        g.pop(_JOB_NOTES, None)


def render_draft(name: str, **context: Any) -> tuple[str, str]:
    """Subject and body of `templates/email/drafts/<name>.txt`."""
    template = current_app.jinja_env.get_template(f"email/drafts/{name}.txt")
    module = template.make_module({**context, **template_translations()})
    body = str(module).strip()
    return " ".join(str(getattr(module, "subject", "")).split()), body


def mailto(address: str | None, subject: str, body: str) -> str | None:
    """An RFC 6068 mailto: URL with subject and body, when the address is shown."""
    if not address:
        return None
    # RFC 6068: every reserved character percent-encoded (UTF-8), lines end in CRLF.
    lines = body.replace("\r\n", "\n").split("\n")
    encoded_body = "%0D%0A".join(quote(line, safe="") for line in lines)
    return (
        f"mailto:{quote(address, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={encoded_body}"
    )
