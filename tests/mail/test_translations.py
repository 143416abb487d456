"""The Spanish catalogue is complete and compiled, and every email and page we own
renders in both languages with no English left in the Spanish."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from babel.messages.mofile import read_mo
from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from plugin.mail.language import localized_context
from plugin.operations.template_check import sample_email_context
from tests.support.translations import SPANISH_PO, english_phrases, spanish_catalogue

OWNED_EMAILS = ("handwritten_note", "move_on", "offer_guidance", "report_received")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_message_has_a_spanish_translation_with_the_same_placeholders():
    untranslated, mismatched = [], []
    for message in spanish_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        if not all(strings):
            untranslated.append(message.id)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings if s):
            mismatched.append(message.id)

    assert untranslated == [] and mismatched == []


def test_the_compiled_catalogue_matches_its_source():
    with SPANISH_PO.with_suffix(".mo").open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in spanish_catalogue() if m.id}

    assert compiled == source, "run `make translations` and commit the .mo"


def _key(value):
    """Plural entries come as lists from a .mo file and tuples from a .po file."""
    return tuple(value) if isinstance(value, list | tuple) else value


def render_email(name: str, language: str, **changes) -> dict[str, str]:
    with force_locale(language):
        context = localized_context(name, {**sample_email_context(), **changes})
        return {
            "subject": context["subject"],
            "text": render_template(f"email/{name}.txt", **context),
            "html": render_template(f"email/{name}.html", **context),
        }


VARIANTS = [
    {},
    {"via_recruiter": True, "recruiter_name": None, "recruiter_email": None},
    {"first_name": None, "employer": None, "manager_name": None, "people": []},
    {"heard_back": True, "outcome": "rejected"},
    {"heard_back": True, "outcome": "offer", "days_left": 1},
    {"mailing_address": None, "last_interview": None, "days_left": 0},
]


@pytest.mark.parametrize("name", OWNED_EMAILS)
@pytest.mark.parametrize("changes", VARIANTS)
def test_each_email_renders_in_spanish_with_no_english_left(app, name, changes):
    with app.test_request_context():
        english = render_email(name, "en", **changes)
        spanish = render_email(name, "es", **changes)

    assert english["subject"] != spanish["subject"]
    for part in ("subject", "text", "html"):
        left = [p for p in english_phrases() if p in spanish[part]]
        assert left == [], (part, left)
        assert "{{" not in spanish[part] and "None" not in spanish[part]
    assert "12 Harbour Road, Portland, ME 04101" in spanish["text"]


def test_plurals_follow_the_count_in_both_languages(app):
    with app.test_request_context():
        one = render_email("offer_guidance", "es", days_left=1)["text"]
        five = render_email("offer_guidance", "es", days_left=5)["text"]
        english_one = render_email("offer_guidance", "en", days_left=1)["text"]

    assert "(1 día)" in one and "(5 días)" in five
    assert "(1 day)" in english_one and "1 days" not in english_one


def test_dates_and_roles_are_written_the_spanish_way(app):
    with app.test_request_context():
        text = render_email("report_received", "es")["text"]

    assert "a más tardar el martes 8 de diciembre" in text
    assert "Acme Logistics espera decidir" in text


APPLICATION = SimpleNamespace(job_title="Payroll Specialist", employer_name="Acme")
PAGES = {
    "plan/erase.html": {
        "token": "t",
        "role": "el puesto",
        "form": SimpleNamespace(csrf_token=Markup("")),
    },
    "plan/erased.html": {},
    "plan/unsubscribe.html": {"token": "t", "application": APPLICATION},
    "plan/unsubscribed.html": {"scope": "application", "application": APPLICATION},
    "error.html": {"status": 404, "title": "No encontrado"},
    "home.html": {"database_up": False},
}


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_in_spanish_with_no_english_left(app, page):
    with app.test_request_context():
        with force_locale("en"):
            english = render_template(page, **PAGES[page])
        with force_locale("es"):
            spanish = render_template(page, **PAGES[page])

    assert english != spanish
    assert [p for p in english_phrases() if p in spanish] == []
