"""The language a candidate reads, and the coaching facts put into it.

A candidate's `locale` (a BCP 47 tag from the ATS) picks one of the languages we
ship; anything else falls back to the firm's `firm.language`. Emails are rendered
in the delivery job under `speaking` (Flask-Babel's `force_locale`); pages pick the
language of the candidate whose link was opened (`speak_to`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.support import NullTranslations
from flask import Flask, g, has_request_context, render_template, request
from flask_babel import force_locale, get_locale, get_translations, gettext, refresh
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from plugin.config import firm_policy
from plugin.config.policy import LANGUAGES
from plugin.models import Candidate

_ENGLISH = Locale("en")
# The blueprints of the pages a candidate opens from an email's link.
CANDIDATE_PAGES = ("plan", "unsubscribe")
# The catalogue of the language an email is being rendered in (see `speaking`).
_SPEAKING: ContextVar[NullTranslations | None] = ContextVar(
    "followup_speaking", default=None
)


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
    """Flask-Babel's locale selector: the candidate's, else the firm's.

    On a candidate's page whose link was not read (refused by a rate limit, or
    expired), the candidate is not known: the browser's language, if we ship it,
    is the next best guess.
    """
    chosen: str | None = g.get("candidate_language")
    if chosen:
        return chosen
    if has_request_context() and request.blueprint in CANDIDATE_PAGES:
        browser: str | None = request.accept_languages.best_match(LANGUAGES)
        if browser:
            return browser
    return firm_policy().firm.language


def current_language() -> str:
    """The language being rendered now, such as "es" (for `<html lang>`)."""
    locale = get_locale()
    return locale.language if locale is not None else firm_policy().firm.language


def localized_context(template: str, context: dict[str, Any]) -> dict[str, Any]:
    """The coaching facts, gathered in the current language, with the subject.

    coaching.py writes roles and dates in the reader's language already (it runs
    under the candidate's locale), so nothing here re-reads English text.
    """
    localized = {**context, **template_translations()}
    localized["brand"] = firm_policy().branding
    localized["language"] = current_language()
    localized["subject"] = render_subject(template, localized)
    return localized


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Render in `language` (Flask-Babel's `force_locale`), its catalogue found once.

    Templates rendered inside read the catalogue from here instead of asking
    Flask-Babel for the locale and its catalogue for every string, about ten times
    an email in the macros they import. Nothing inside may switch locale again.
    """
    with force_locale(language):
        token = _SPEAKING.set(get_translations())
        try:
            yield
        finally:
            _SPEAKING.reset(token)


def catalogue() -> NullTranslations:
    """The catalogue of the language being rendered now."""
    found = _SPEAKING.get()
    return found if found is not None else get_translations()


def install_translations(app: Flask) -> None:
    """Every template's `gettext` and `ngettext`: Jinja's, reading `catalogue()`.

    They replace the ones Flask-Babel installs, which behave the same but find the
    locale and its catalogue again for each string.
    """
    translations = _translating(catalogue)
    app.jinja_env.globals["gettext"] = translations["gettext"]
    app.jinja_env.globals["ngettext"] = translations["ngettext"]


def template_translations() -> dict[str, Callable[..., str]]:
    """The templates' `gettext`, `_` and `ngettext` in the current language, found once.

    Given to a render with its facts, they stand in for Flask-Babel's, which look up
    the locale and its catalogue again for every string: about a hundred times an
    email.
    """
    found = catalogue()
    return _translating(lambda: found)


def _translating(
    find: Callable[[], NullTranslations],
) -> dict[str, Callable[..., str]]:
    """`gettext`, `_` and `ngettext` for templates, translating with `find()`.

    They behave as Jinja's "newstyle" ones do (escaped, then %-formatted), but take
    the evaluation context, not the template's: Jinja copies the whole template
    context for each call of a function that takes it.
    """

    @pass_eval_context
    def translated(eval_context: EvalContext, text: str, /, **variables: Any) -> str:
        found = find().ugettext(text)
        return (Markup(found) if eval_context.autoescape else found) % variables

    @pass_eval_context
    def translated_plural(
        eval_context: EvalContext,
        singular: str,
        plural: str,
        number: int,
        /,
        **variables: Any,
    ) -> str:
        # Positional only: a template's variables may be called anything (count=).
        variables.setdefault("num", number)
        found = find().ungettext(singular, plural, number)
        return (Markup(found) if eval_context.autoescape else found) % variables

    # `_` is Jinja's alias for `gettext`: given directly, it skips the alias's lookup.
    return {"gettext": translated, "_": translated, "ngettext": translated_plural}


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


def long_date(day: date) -> str:
    """ "Tuesday, December 8" ("martes 8 de diciembre"): a day in the reader's words."""
    # Translators: a Babel date pattern (EEEE weekday, MMMM month, d day); quote
    # literal words, as in "EEEE d 'de' MMMM".
    pattern = gettext("EEEE, MMMM d")
    return format_date(day, pattern, locale=get_locale() or _ENGLISH)


def page_date(day: date) -> str:
    """ "Sunday 20 December": a day on the plan page, ordered like its times."""
    # Translators: a Babel date pattern, day before month (see "EEEE, MMMM d").
    pattern = gettext("EEEE d MMMM")
    return format_date(day, pattern, locale=get_locale() or _ENGLISH)


def weekday(day: date) -> str:
    """ "Tuesday" (or "martes"): the day of the week in the reader's language."""
    return format_date(day, "EEEE", locale=get_locale() or _ENGLISH)
