"""The dashboard's query strings, checked like forms: a bad value is a 400 that
names the field, never a 500 and never silently ignored."""

from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    Form,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import Length, NumberRange, Optional

from plugin.operations.applications import STATES, Search
from plugin.operations.outcomes import Period

MAX_PAGE = 100_000
STATE_NAMES = {
    "active": "Active",
    "offer_extended": "Offer extended",
    "hired": "Hired",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "any": "Any state",
}


def plain_text(form: Any, field: Any) -> None:
    """Text a database can compare: no control characters or lone surrogates."""
    text = field.data or ""
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ValidationError("Use letters, digits and punctuation only.")


def admins_only(form: Any, field: Any) -> None:
    """Only an admin sees other recruiters' applications, so only they filter."""
    if field.data is not None and not form.is_admin:
        raise ValidationError("Only admins can filter by recruiter.")


class RecruiterQuery(Form):
    """`?recruiter=ID`: whose applications an admin looks at."""

    recruiter = IntegerField(
        "Recruiter",
        validators=[Optional(), NumberRange(min=1, message="Choose a recruiter.")],
    )

    def __init__(self, args: MultiDict[str, str], is_admin: bool):
        self.is_admin = is_admin
        super().__init__(args)
        self.recruiter.validators = [*self.recruiter.validators, admins_only]


class SearchQuery(RecruiterQuery):
    """`?q=&state=&recruiter=&page=`: the search of the applications page."""

    q = StringField(
        "Candidate, employer or job",
        validators=[
            Optional(),
            Length(max=100, message="Use at most 100 characters."),
            plain_text,
        ],
    )
    state = SelectField(
        "State",
        choices=[SelectChoice(state, STATE_NAMES[state]) for state in STATES],
        default="active",
    )
    page = IntegerField(
        "Page",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_PAGE, message=f"Use 1 to {MAX_PAGE}."),
        ],
    )

    def search(self) -> Search:
        """The validated search."""
        return Search(
            text=(self.q.data or "").strip(),
            state=self.state.data or "active",
            recruiter_id=self.recruiter.data,
            page=self.page.data or 1,
        )


def a_plausible_year(form: Any, field: Any) -> None:
    """Dates the dashboard can mean: the years 2000 to 2100, as the API accepts."""
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError("Use a date in the years 2000 to 2100.")


class OutcomesQuery(RecruiterQuery):
    """`?recruiter=&since=&until=`: whose applications, interviewed when."""

    since = DateField(
        "Interviewed from",
        validators=[Optional(), a_plausible_year],
        format="%Y-%m-%d",
    )
    until = DateField(
        "Interviewed until",
        validators=[Optional(), a_plausible_year],
        format="%Y-%m-%d",
    )

    def validate_until(self, field: Any) -> None:
        """The range reads forwards."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("Use a date on or after the first one.")

    def period(self) -> Period:
        """The validated range of interview days (either end may be open)."""
        since: date | None = self.since.data
        until: date | None = self.until.data
        return Period(since, until)


def problems(form: Form) -> dict[str, list[str]]:
    """Each bad field's name and why, as the page shows them."""
    return {name: list(errors) for name, errors in form.errors.items()}
