"""`followup candidates`: the people we coach, and erasing one on request."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import OPERATOR_ACTOR, Candidate
from plugin.operations.privacy import forget_candidate


@click.group("candidates")
def candidates_group() -> None:
    """Candidates (people)."""


@candidates_group.command("forget")
@click.argument("candidate")
@with_appcontext
def forget(candidate: str) -> None:
    """Erase a person's name, email and messages; keep anonymous counts.

    CANDIDATE is our id, or SOURCE:EXTERNAL_ID (for example standard:c-881).
    """
    person = _find(candidate)
    if person is None:
        raise click.BadParameter(f"no candidate {candidate}", param_hint="CANDIDATE")
    forget_candidate(person, OPERATOR_ACTOR)
    click.echo(f"Candidate {person.id} erased: name, email and message bodies removed.")


def _find(reference: str) -> Candidate | None:
    source, colon, external_id = reference.partition(":")
    if colon:
        return db.session.scalars(
            select(Candidate).filter_by(source=source, external_id=external_id)
        ).one_or_none()
    if reference.isdigit():
        return db.session.get(Candidate, int(reference))
    return None
