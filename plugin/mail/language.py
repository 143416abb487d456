"""The language a candidate reads, and the coaching facts put into it.

A candidate's `locale` (a BCP 47 tag from the ATS) picks one of the languages we
ship; anything else falls back to the firm's `firm.language`. Emails are rendered
in the delivery job under `force_locale`; pages pick the language of the candidate
whose link was opened (`speak_to`).
"""

from __future__ import annotations

import re
from typing import Any

from babel import Locale
from flask import g, render_template
from flask_babel import get_locale, gettext, refresh

from plugin.config import firm_policy
from plugin.config.policy import LANGUAGES
from plugin.models import Candidate

# Coaching facts that are dates written as "Tuesday, December 8" (coaching.py).
DATE_FACTS = ("post_by", "deadline", "last_interview", "offer_deadline")
_LONG_DATE = re.compile(
    r"(?P<weekday>[A-Z][a-z]+), (?P<month>[A-Z][a-z]+) (?P<day>\d+)"
)
_ENGLISH = Locale("en")


def language_of(candidate: Candidate | None) -> str:
    """The shipped language that best fits the candidate's locale tag."""
    tag = (candidate.locale if candidate is not None else None) or ""
    primary = tag.split("-")[0].lower()
    return primary if primary in LANGUAGES else firm_policy().firm.language


def speak_to(candidate: Candidate) -> None:
    """Render the rest of this request in the candidate's language."""
    g.candidate_language = language_of(candidate)
    refresh()  # a string translated earlier in the request must not fix the locale


def selected_language() -> str:
    """Flask-Babel's locale selector: the candidate's, else the firm's."""
    chosen: str | None = g.get("candidate_language")
    return chosen or firm_policy().firm.language


def current_language() -> str:
    """The language being rendered now, such as "es" (for `<html lang>`)."""
    locale = get_locale()
    return locale.language if locale is not None else firm_policy().firm.language


def localized_context(template: str, context: dict[str, Any]) -> dict[str, Any]:
    """The coaching facts in the current language, with the rendered subject."""
    localized = dict(context)
    if "role" in context:
        job_title, employer = context.get("job_title"), context.get("employer")
        localized["role"] = role_phrase(job_title, employer)
    for name in DATE_FACTS:
        if isinstance(context.get(name), str):
            localized[name] = long_date(context[name])
    if isinstance(context.get("met_when"), str):
        localized["met_when"] = met_when(context["met_when"])
    localized["brand"] = firm_policy().branding
    localized["language"] = current_language()
    localized["subject"] = render_subject(template, localized)
    return localized


def render_subject(template: str, context: dict[str, Any]) -> str:
    """The subject from `email/<template>_subject.txt`, which a firm may override."""
    return render_template(f"email/{template}_subject.txt", **context).strip()


def role_phrase(job_title: str | None, employer: str | None) -> str:
    """ "the Payroll Specialist role at Acme", saying only what we know."""
    if job_title and employer:
        return gettext(
            "the %(job_title)s role at %(employer)s",
            job_title=job_title,
            employer=employer,
        )
    if job_title:
        return gettext("the %(job_title)s role", job_title=job_title)
    if employer:
        return gettext("the role at %(employer)s", employer=employer)
    return gettext("the role")


def long_date(english: str) -> str:
    """ "Tuesday, December 8" in the current language; other text is kept as is."""
    match = _LONG_DATE.fullmatch(english)
    locale = get_locale() or _ENGLISH
    if match is None or locale.language == "en":
        return english
    weekday = _index_of(_ENGLISH.days["format"]["wide"], match["weekday"])
    month = _index_of(_ENGLISH.months["format"]["wide"], match["month"])
    if weekday is None or month is None:
        return english
    return gettext(
        "%(weekday)s, %(month)s %(day)s",
        weekday=locale.days["format"]["wide"][weekday],
        month=locale.months["format"]["wide"][month],
        day=match["day"],
    )


def met_when(english: str) -> str:
    """ "today", "yesterday", "on Tuesday" or "recently" in the current language."""
    fixed = {
        "today": gettext("today"),
        "yesterday": gettext("yesterday"),
        "recently": gettext("recently"),
    }
    if english in fixed:
        return fixed[english]
    weekday = _index_of(_ENGLISH.days["format"]["wide"], english.removeprefix("on "))
    if weekday is None:
        return english
    locale = get_locale() or _ENGLISH
    return gettext("on %(weekday)s", weekday=locale.days["format"]["wide"][weekday])


def _index_of(names: Any, wanted: str) -> int | None:
    for key, name in names.items():
        if name == wanted:
            return int(key)
    return None
