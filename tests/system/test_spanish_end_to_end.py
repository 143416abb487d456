"""An event with `locale: "es"` leads to Spanish emails over real SMTP and pages."""

from __future__ import annotations

from datetime import timedelta

from plugin import clock
from plugin.jobs.tick import run_tick
from tests.support.candidate import THANK_YOU_DUE, first_email, link_path, page_text
from tests.support.smtp import html_part, text_part
from tests.support.translations import english_phrases

NOTE_DUE = THANK_YOU_DUE + timedelta(days=1)


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
