"""The candidate's notes about the people they met: saved, shared, purged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from plugin.extensions import db, rows_changed
from plugin.mail.coaching import people_met
from plugin.models import Application, InterviewerNote
from plugin.models.notes import person_key


@dataclass(frozen=True)
class SharedNote:
    """A note the candidate chose to show their recruiter."""

    name: str
    discussed: str | None
    reinforce: str | None


def save_note(
    application: Application,
    name: str,
    discussed: str | None,
    reinforce: str | None,
    shared: bool,
) -> InterviewerNote:
    """Keep the candidate's notes about one person; empty text clears a note."""
    key = person_key(name)
    note = db.session.scalars(
        select(InterviewerNote).filter_by(application_id=application.id, person_key=key)
    ).one_or_none()
    if note is None:
        note = InterviewerNote(application_id=application.id, person_key=key)
        db.session.add(note)
    note.discussed = (discussed or "").strip() or None
    note.reinforce = (reinforce or "").strip() or None
    note.shared_with_recruiter = shared
    db.session.commit()
    return note


def shared_notes(application: Application) -> list[SharedNote]:
    """The notes the candidate shared, named as the people they met (in that order)."""
    notes = {
        note.person_key: note
        for note in db.session.scalars(
            select(InterviewerNote).filter_by(
                application_id=application.id, shared_with_recruiter=True
            )
        )
    }
    if not notes:
        return []
    names = [person.name for person in people_met(application)]
    found = [(name, notes.get(person_key(name))) for name in names]
    return [
        SharedNote(name, note.discussed, note.reinforce)
        for name, note in found
        if note is not None and (note.discussed or note.reinforce)
    ]


def delete_notes(application_ids: list[int]) -> int:
    """Erase every note of these applications (the candidate's erasure)."""
    return rows_changed(
        delete(InterviewerNote)
        .where(InterviewerNote.application_id.in_(application_ids))
        .execution_options(synchronize_session=False)
    )


def purge_expired_notes(at: datetime, retention_days: int) -> int:
    """Drop notes untouched for longer than the retention period."""
    return rows_changed(
        delete(InterviewerNote)
        .where(InterviewerNote.updated_at < at - timedelta(days=retention_days))
        .execution_options(synchronize_session=False)
    )
