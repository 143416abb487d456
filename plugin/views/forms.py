"""The plan page's forms: validated on the server, with messages a person can act on.

The candidate's forms speak the candidate's language (`lazy_gettext`: the label is
translated when the page is drawn); the staff's forms are in English.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from plugin.models.notes import DISCUSSED_MAX, REINFORCE_MAX
from plugin.operations.actions import HEARD_BACK_OUTCOMES
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR, year_problem

FAR_FUTURE = timedelta(days=366)
# What the candidate can say they heard (HEARD_BACK_OUTCOMES words it for staff).
HEARD_BACK_CHOICES = {
    "offer": _l("An offer"),
    "rejected": _l("A no"),
    "next_round": _l("A next round"),
    "other": _l("Other news"),
}


def _too_long(limit: int) -> Any:
    """The message of a text that is over its limit, in the reader's language."""
    return _l("Keep it to %(limit)s characters or fewer.", limit=limit)


class NotBefore:
    """A date on or after the candidate's today, and within a year."""

    def __init__(self, today: date):
        self.today = today

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError(_l("Choose today or a later date."))
        if field.data > self.today + FAR_FUTURE:
            raise ValidationError(_l("Choose a date within the next year."))


def within_accepted_years(form: Any, field: Any) -> None:
    """A date the service can plan with (the accepted years of docs/events.md)."""
    if field.data is not None and year_problem(field.data):
        raise ValidationError(
            _l(
                "Choose a date between %(earliest)s and %(latest)s.",
                earliest=EARLIEST_YEAR,
                latest=LATEST_YEAR,
            )
        )


def plain_text(form: Any, field: Any) -> None:
    """Text a person typed: line breaks and tabs, but no other control characters."""
    if field.data and any(
        unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\r\t"
        for char in field.data
    ):
        raise ValidationError(_l("Use plain text: this has characters we cannot keep."))


class CompetingOfferForm(FlaskForm):
    """Another employer made an offer."""

    employer = StringField(
        _l("Which company made the offer? (optional)"),
        validators=[Optional(), Length(max=300)],
    )
    offer_deadline = DateField(
        _l("When do you need to answer them?"),
        validators=[DataRequired(message=_l("Give the date you need to answer by."))],
    )
    note = TextAreaField(
        _l("Anything your recruiter should know? (optional)"),
        validators=[Optional(), Length(max=2000)],
    )


class HeardBackForm(FlaskForm):
    """The employer answered."""

    outcome = RadioField(
        _l("What did you hear?"),
        choices=[
            SelectChoice(key, HEARD_BACK_CHOICES[key]) for key in HEARD_BACK_OUTCOMES
        ],
        validators=[DataRequired(message=_l("Choose what you heard."))],
    )


class DeadlineForm(FlaskForm):
    """The date the employer said they would decide by."""

    decision_deadline = DateField(
        _l("The date they said they would decide by"),
        validators=[
            DataRequired(message=_l("Give the date they mentioned.")),
            within_accepted_years,
        ],
    )


class PauseForm(FlaskForm):
    """Hold the coaching for this application."""

    until = DateField(
        _l("Pause until (leave empty to pause until you resume)"),
        validators=[Optional(), within_accepted_years],
    )


class StopForm(FlaskForm):
    """Stop the emails, for this application or for everything."""

    scope = RadioField(
        _l("Which emails should stop?"),
        choices=[
            SelectChoice("application", _l("Emails about this application")),
            SelectChoice("all", _l("All emails from us")),
        ],
        default="application",
        validators=[DataRequired(message=_l("Choose which emails to stop."))],
    )


class LoginForm(FlaskForm):
    """Ask for a sign-in link."""

    email = EmailField(
        "Your work email",
        validators=[
            DataRequired(message="Enter your email address."),
            Email(message="Enter a valid email address."),
            Length(max=320),
        ],
    )


class ReassignForm(FlaskForm):
    """Move an application to another recruiter (admins only)."""

    recruiter_email = EmailField(
        "New recruiter's email",
        validators=[
            DataRequired(message="Enter an email."),
            Email(message="Enter a valid email."),
            Length(max=320),
        ],
    )


class NoteForm(FlaskForm):
    """The candidate's notes about one person they met, for that person's draft."""

    person = HiddenField(validators=[DataRequired(message=_l("Choose a person."))])
    discussed = TextAreaField(
        _l("What you discussed (optional)"),
        validators=[
            Optional(),
            Length(max=DISCUSSED_MAX, message=_too_long(DISCUSSED_MAX)),
            plain_text,
        ],
        render_kw={"maxlength": DISCUSSED_MAX, "rows": 3},
    )
    reinforce = StringField(
        _l("One point to reinforce (optional)"),
        validators=[
            Optional(),
            Length(max=REINFORCE_MAX, message=_too_long(REINFORCE_MAX)),
            plain_text,
        ],
        render_kw={"maxlength": REINFORCE_MAX},
    )
    shared = BooleanField(_l("Let my recruiter see these notes"))


class ConfirmForm(FlaskForm):
    """A button, with CSRF protection and nothing else."""


class DigestSettingsForm(FlaskForm):
    """How often the recruiter's digest comes."""

    frequency = RadioField(
        "How often should your digest come?",
        choices=[
            SelectChoice("daily", "Every morning"),
            SelectChoice("weekly", "Once a week, on Monday morning"),
        ],
        validators=[DataRequired(message="Choose daily or weekly.")],
    )
