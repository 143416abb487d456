"""An event with `locale: "es"` leads to Spanish emails over real SMTP and pages."""

from __future__ import annotations

from datetime import timedelta

from plugin import clock
from plugin.jobs.tick import run_tick
from tests.support.candidate import THANK_YOU_DUE, first_email, link_path, page_text
from tests.support.forms import csrf_token
from tests.support.smtp import html_part, text_part
from tests.support.translations import english_phrases

NOTE_DUE = THANK_YOU_DUE + timedelta(days=1)
# A panel of three, each a different angle: the manager, HR, a future colleague.
PANEL = [
    {"name": "Lee Park", "title": "Payroll Manager"},
    {"name": "Amara Nwosu", "title": "HR Business Partner"},
    {"name": "Kim Osei", "title": "Payroll Analyst"},
]


def spanish_first_email(post_event, run_jobs, smtp):
    return first_email(post_event, run_jobs, smtp, **{"data.candidate.locale": "es-MX"})


def test_a_spanish_candidate_gets_the_thank_you_subject_and_footer_in_spanish(
    app, db, smtp, post_event, run_jobs
):
    message = spanish_first_email(post_event, run_jobs, smtp)

    assert message["Subject"] == (
        "Su entrevista con Acme Logistics: notas de agradecimiento para enviar"
    )
    assert "Dejar de recibir correos sobre esta postulación" in text_part(message)
    assert '<html lang="es">' in html_part(message)


def test_the_thank_you_with_its_drafts_arrives_in_spanish_with_no_english_left(
    app, db, smtp, post_event, run_jobs
):
    message = first_email(
        post_event,
        run_jobs,
        smtp,
        **{"data.candidate.locale": "es", "data.interview.interviewers": PANEL},
    )

    subjects = (
        "Asunto: Gracias por nuestra conversación sobre el puesto de Payroll",
        "Asunto: Gracias por explicarme el proceso para el puesto de Payroll",
        "Asunto: Gracias por contarme sobre el equipo y el puesto de Payroll",
    )
    for body in (text_part(message), html_part(message)):
        assert "¡Felicitaciones por su entrevista para el puesto de Payroll" in body
        assert all(subject in body for subject in subjects)
        assert "Buen día, Lee:" in body and "Hola, Amara:" in body
        assert "Gracias por reunirse conmigo hoy para conversar" in body
        assert [p for p in english_phrases() if p in body] == []
    assert text_part(message).count("---- fin del borrador ----") == 3


def test_the_handwritten_note_arrives_in_spanish_with_no_english_left(
    app, db, smtp, post_event, run_jobs
):
    spanish_first_email(post_event, run_jobs, smtp)
    with clock.frozen_at(NOTE_DUE):
        run_tick()
        run_jobs()

    note = smtp.candidate_messages[-1]
    assert note["Subject"] == "Opcional: una nota escrita a mano para Acme Logistics"
    for body in (text_part(note), html_part(note)):
        assert "Hola, Dana:" in body
        assert "el puesto de Payroll Specialist en Acme Logistics" in body
        assert "viernes 4 de diciembre" in body  # post by: two days on, in Spanish
        assert "12 Harbour Road, Portland, ME 04101" in body
        assert [p for p in english_phrases() if p in body] == []


def test_the_candidate_pages_speak_spanish(app, db, smtp, post_event, run_jobs, client):
    message = spanish_first_email(post_event, run_jobs, smtp)

    plan = client.get(link_path(message, "/plan/"))
    unsubscribe = client.get(link_path(message, "/unsubscribe/"))

    assert plan.status_code == 200 and '<html lang="es">' in page_text(plan)
    text = page_text(unsubscribe)
    assert "¿Dejar de recibir estos correos?" in text
    assert "Dejar de recibir todos nuestros correos" in text
    assert [p for p in english_phrases() if p in text] == []


def test_a_language_we_do_not_ship_falls_back_to_the_firms(
    app, db, smtp, post_event, run_jobs
):
    message = first_email(post_event, run_jobs, smtp, **{"data.candidate.locale": "fr"})

    assert message["Subject"] == (
        "Your Acme Logistics interview: thank-you notes to send"
    )


def test_the_plan_page_with_drafts_and_notes_speaks_spanish(
    app, db, smtp, post_event, run_jobs, client
):
    message = first_email(
        post_event,
        run_jobs,
        smtp,
        **{"data.candidate.locale": "es", "data.interview.interviewers": PANEL},
    )
    path = link_path(message, "/plan/")
    with clock.frozen_at(NOTE_DUE):
        page = page_text(client.get(path))
        saved = client.post(
            f"{path}/notes/1",
            data={
                "note-1-csrf_token": csrf_token(page),
                "note-1-person": "Amara Nwosu",
                "note-1-discussed": "cómo trabaja el equipo a distancia",
                "note-1-reinforce": "me organizo muy bien trabajando a distancia",
            },
        )
        after = page_text(client.get(path))

    assert saved.status_code == 303
    assert "Sus notas de agradecimiento" in page and "Guardar mis notas" in page
    assert "Un punto para reforzar (opcional)" in page
    assert "Sus notas sobre Amara Nwosu quedaron guardadas" in after
    assert "lo que me contó sobre cómo trabaja el equipo a distancia." in after
    assert "Me organizo muy bien trabajando a distancia." in after
    for text in (page, after):
        assert [p for p in english_phrases() if p in text] == []
