"""The Spanish catalogue is complete and compiled, and every email and page we own
renders in both languages with no English left in the Spanish."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from babel.messages.mofile import read_mo
from flask import render_template
from flask_babel import force_locale, gettext
from markupsafe import Markup

from plugin import clock
from plugin.mail.drafts import Draft
from plugin.mail.language import localized_context, speaking
from plugin.models.notes import DISCUSSED_MAX
from plugin.operations.template_check import sample_email_context
from tests.support.candidate import first_email, link_path, page_text
from tests.support.forms import csrf_token
from tests.support.translations import SPANISH_PO, english_phrases, spanish_catalogue

OWNED_EMAILS = (
    "thank_you",
    "handwritten_note",
    "check_in",
    "move_on",
    "offer_guidance",
    "report_received",
)
ROLES = ("hiring_manager", "recruiter", "peer", "leader", "unknown")
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
        context = localized_context(name, sample_email_context(**changes))
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
    {"ok_to_call": False, "deadline_stated": False, "assumed_days": 1},
    {"sender_name": "Dana Okafor", "manager_name": None},
]


# Coaching always gives the check-in the day of the last interview.
EMAIL_VARIANTS = [
    (name, changes)
    for name in OWNED_EMAILS
    for changes in VARIANTS
    if not (name == "check_in" and "last_interview" in changes)
]


@pytest.mark.parametrize(("name", "changes"), EMAIL_VARIANTS)
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


def test_imported_macros_speak_each_emails_language_in_turn(app):
    # The draft macro is imported, so it translates with the templates' globals.
    template = app.jinja_env.from_string(
        '{% from "email/_draft.txt" import draft_block %}{{ draft_block(draft, "") }}'
    )
    draft = Draft(to_name="Lee Park", subject="Hola", body="Gracias.")
    rendered = []
    with app.test_request_context():
        for language in ("es", "en", "es"):
            with speaking(language):
                rendered.append(template.render(draft=draft))
        with force_locale("es"):  # outside `speaking`: Flask-Babel's locale
            rendered.append(template.render(draft=draft))

    ends = [text.splitlines()[-1] for text in rendered]
    assert ends == [
        "---- fin del borrador ----",
        "---- end of draft ----",
        "---- fin del borrador ----",
        "---- fin del borrador ----",
    ]


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


def test_each_interviewer_role_gets_its_own_thank_you_draft_in_spanish(app):
    with app.test_request_context():
        english = render_email("thank_you", "en")
        spanish = render_email("thank_you", "es")
        drafts = sample_email_context()["drafts"]
        with force_locale("es"):
            spanish_drafts = sample_email_context()["drafts"]

    assert [d.role for d in drafts] == list(ROLES)
    for draft, translated in zip(drafts, spanish_drafts, strict=True):
        assert translated.subject != draft.subject
        assert translated.body != draft.body
        for part in ("text", "html"):
            assert translated.subject in spanish[part]
            assert draft.subject in english[part]
    assert len({d.subject for d in spanish_drafts}) == len(ROLES)
    assert (
        "Gracias por nuestra conversación sobre el puesto de Payroll"
        in (spanish["text"])
    )


@pytest.mark.parametrize("ok_to_call", [True, False])
def test_the_check_in_offers_the_phone_script_in_spanish_only_when_calls_are_fine(
    app, ok_to_call
):
    with app.test_request_context():
        spanish = render_email("check_in", "es", ok_to_call=ok_to_call)

    for part in ("text", "html"):
        assert ("Una llamada breve a Lee Park" in spanish[part]) is ok_to_call
        assert ("Le llamo para dar seguimiento" in spanish[part]) is ok_to_call
        assert "Seguimiento sobre el puesto de Payroll Specialist" in spanish[part]


def test_the_days_waited_follow_the_count_in_both_languages(app):
    changes = {"deadline_stated": False}
    with app.test_request_context():
        one = render_email("check_in", "es", assumed_days=1, **changes)["text"]
        seven = render_email("check_in", "es", assumed_days=7, **changes)["text"]
        english = render_email("check_in", "en", assumed_days=1, **changes)["text"]

    assert "esperamos 1 día después" in one and "esperamos 7 días después" in seven
    assert "we waited 1 day after" in english


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


SPANISH_PANEL = {
    "data.candidate.locale": "es-MX",
    "data.application.hiring_manager.ok_to_call": True,
    "data.interview.interviewers": [
        {"name": "Lee Park", "title": "Payroll Manager"},
        {"name": "Amara Nwosu", "title": "HR Business Partner"},
        {"name": "Kim Osei", "title": "Payroll Analyst"},
    ],
}
DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def spanish_plan(client, post_event, run_jobs, smtp):
    message = first_email(post_event, run_jobs, smtp, **SPANISH_PANEL)
    path = link_path(message, "/plan/")
    return path, page_text(client.get(path))


def test_the_plan_page_with_drafts_and_check_in_renders_in_spanish(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        _, page = spanish_plan(client, post_event, run_jobs, smtp)

    assert "Hola, Dana: este es su plan para el puesto de Payroll Specialist" in page
    assert "Sus notas de agradecimiento" in page and "Su seguimiento" in page
    assert "Una llamada breve a Lee Park" in page
    assert "Gracias por nuestra conversación sobre el puesto" in page
    assert "Notas de agradecimiento para cada persona que conoció" in page
    assert "De qué conversaron (opcional)" in page
    assert [p for p in english_phrases() if p in page] == []


def test_a_refused_form_explains_itself_in_spanish(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = spanish_plan(client, post_event, run_jobs, smtp)
        refused = client.post(
            f"{path}/notes/0",
            data={
                "note-0-csrf_token": csrf_token(page),
                "note-0-person": "Lee Park",
                "note-0-discussed": "x" * (DISCUSSED_MAX + 1),
            },
        )
        late = client.post(
            f"{path}/offer",
            data={"csrf_token": csrf_token(page), "offer_deadline": "2026-11-01"},
        )

    assert refused.status_code == 400 and late.status_code == 400
    assert f"Use como máximo {DISCUSSED_MAX} caracteres." in page_text(refused)
    assert "Elija hoy o una fecha posterior." in page_text(late)
    for response in (refused, late):
        assert [p for p in english_phrases() if p in page_text(response)] == []


def test_saved_notes_are_confirmed_in_spanish(db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(DEC_2):
        path, page = spanish_plan(client, post_event, run_jobs, smtp)
        client.post(
            f"{path}/notes/0",
            data={
                "note-0-csrf_token": csrf_token(page),
                "note-0-person": "Lee Park",
                "note-0-discussed": "el cierre de fin de mes",
            },
        )
        saved = page_text(client.get(path))

    assert "Sus notas sobre Lee Park quedaron guardadas" in saved
    assert "en especial el cierre de fin de mes." in saved


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [(30, "Espere 30 segundos"), (600, "Espere unos 10 minutos")],
)
def test_the_too_many_tries_page_speaks_spanish(app, retry_after, wait):
    with app.test_request_context(), force_locale("es"):
        title = gettext("Too many tries")
        page = render_template(
            "error.html", status=429, title=title, retry_after=retry_after
        )

    assert title == "Demasiados intentos" and wait in page
    assert [p for p in english_phrases() if p in page] == []
