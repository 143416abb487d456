"""The drafts on the plan page: each thank-you with its notes form, the check-in."""

from __future__ import annotations

from typing import Any

from plugin.cadence.steps import Step
from plugin.mail.coaching import step_context
from plugin.mail.drafts import notes_by_person
from plugin.models import Application
from plugin.models.notes import person_key
from plugin.views.forms import NoteForm


def plan_drafts(
    application: Application,
    steps: list[dict[str, Any]],
    failed_note: tuple[int, NoteForm] | None,
) -> dict[str, Any]:
    """The drafts, each thank-you with its notes form; the check-in once planned."""
    thank_you = step_context(application, Step.THANK_YOU.value)["drafts"]
    notes = notes_by_person(application)
    note_forms = [
        NoteForm(
            formdata=None,
            prefix=note_prefix(position),
            data=_note_data(draft.to_name, notes),
        )
        for position, draft in enumerate(thank_you)
    ]
    if failed_note is not None and failed_note[0] < len(note_forms):
        note_forms[failed_note[0]] = failed_note[1]
    check_in = None
    if any(step["step"] == Step.CHECK_IN.value for step in steps):
        check_in = step_context(application, Step.CHECK_IN.value)
    return {
        "thank_you_drafts": list(zip(thank_you, note_forms, strict=True)),
        "check_in": check_in,
    }


def note_prefix(position: int) -> str:
    """The notes form of the person at `position`: its fields are named apart."""
    return f"note-{position}-"


def _note_data(name: str, notes: dict[str, Any]) -> dict[str, Any]:
    note = notes.get(person_key(name))
    return {
        "person": name,
        "discussed": note.discussed if note else "",
        "reinforce": note.reinforce if note else "",
        "shared": bool(note and note.shared_with_recruiter),
    }
