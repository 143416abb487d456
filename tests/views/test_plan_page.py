"""The plan page: opened from a real email's link, every report works without JS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.models import (
    Application,
    Candidate,
    CompetingOffer,
    TimelineEntry,
    Touchpoint,
    TouchpointStatus,
)
from tests.support.candidate import open_plan, page_text
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.smtp import html_part, text_part

DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def post_form(client, path, page_html, action, data):
    return client.post(
        f"{path}/{action}", data={"csrf_token": csrf_token(page_html), **data}
    )


def the(db, model):
    db.session.expire_all()
    return db.session.scalars(select(model)).one()


def test_page_shows_the_plan_in_the_candidates_time(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)

    assert "Hi Dana, here is your plan for the Payroll Specialist role at Acme" in html
    assert "Times are shown in America/Chicago." in html
    assert "Thank-you notes to each person you met" in html and "Sent to you" in html
    assert "One short check-in" in html
    assert "Sat 12 Dec, 8:00 am (America/Chicago)" in html


def test_reporting_an_offer_answers_at_once_with_a_draft(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        answer = post_form(
            client,
            path,
            html,
            "offer",
            {
                "employer": "Birch & Co",
                "offer_deadline": "2026-12-07",
                "note": "Good pay",
            },
        )
        run_jobs()
        after = page_text(client.get(answer.headers["Location"]))

    assert answer.status_code == 303
    assert "told your recruiter" in after
    offer = the(db, CompetingOffer)
    assert (offer.employer_name, offer.offer_deadline.isoformat()) == (
        "Birch & Co",
        "2026-12-07",
    )
    guidance = smtp.candidate_messages[-1]
    assert guidance["Subject"] == "Your other offer: how to tell Acme Logistics"
    for body in (text_part(guidance), html_part(guidance)):
        assert "Birch &amp; Co" in body or "Birch & Co" in body
        assert "Monday, December 7" in body and "(5 days)" in body
        assert "Dear Lee," in body


def test_an_offer_without_a_deadline_is_refused_with_a_clear_message(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        answer = post_form(client, path, html, "offer", {"employer": "Birch"})

    assert answer.status_code == 400
    assert "Give the date you need to answer by." in page_text(answer)
    assert db.session.scalars(select(CompetingOffer)).all() == []


def test_an_offer_deadline_in_the_past_is_refused(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        answer = post_form(
            client, path, html, "offer", {"offer_deadline": "2026-11-20"}
        )

    assert answer.status_code == 400
    assert "Choose today or a later date." in page_text(answer)


def test_a_form_without_its_csrf_token_is_refused(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, _ = open_plan(client, post_event, run_jobs, smtp)
        answer = client.post(f"{path}/offer", data={"offer_deadline": "2026-12-07"})

    assert answer.status_code == 400
    assert db.session.scalars(select(CompetingOffer)).all() == []


def test_heard_back_stops_the_cadence_and_confirms(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        post_form(client, path, html, "heard-back", {"outcome": "next_round"})
        run_jobs()

    planned = db.session.scalars(
        select(Touchpoint).filter_by(status=TouchpointStatus.PLANNED)
    ).all()
    assert planned == []
    assert "good luck in the next round" in text_part(smtp.candidate_messages[-1])


def test_a_stated_deadline_moves_the_check_in(db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        post_form(client, path, html, "deadline", {"decision_deadline": "2026-12-18"})
        run_jobs()

    check_in = db.session.scalars(select(Touchpoint).filter_by(step="check_in")).one()
    assert check_in.due_at == datetime(2026, 12, 22, 14, 0, tzinfo=UTC)
    entry = db.session.scalars(
        select(TimelineEntry)
        .filter_by(kind="deadline")
        .order_by(TimelineEntry.id.desc())
    ).first()
    assert entry.detail == "decision deadline set to 2026-12-18 by the candidate"
    assert "expects to decide by Friday, December 18" in text_part(
        smtp.candidate_messages[-1]
    )


def test_mark_a_step_done(db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(DEC_2 - timedelta(hours=2)):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        note = db.session.scalars(
            select(Touchpoint).filter_by(step="handwritten_note")
        ).one()
        answer = post_form(client, path, html, f"steps/{note.id}/done", {})

    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(Touchpoint, note.id).status == TouchpointStatus.DONE


def test_a_step_of_another_application_cannot_be_marked(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        post_event(
            interview_event(
                **{"data.application.id": "a-other", "data.interview.id": "i-other"}
            )
        )
        run_jobs()
        other = db.session.scalars(
            select(Touchpoint)
            .join(Application)
            .where(Application.external_id == "a-other", Touchpoint.step == "check_in")
        ).one()
        answer = post_form(client, path, html, f"steps/{other.id}/done", {})

    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(Touchpoint, other.id).status == TouchpointStatus.PLANNED


def test_pause_until_a_date_then_resume(db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        post_form(client, path, html, "pause", {"until": "2026-12-20"})
        paused_page = page_text(client.get(path))
        application = the(db, Application)
        assert application.paused_until is not None
        post_form(client, path, paused_page, "resume", {})

    assert "Your plan is paused until Sunday 20 December." in paused_page
    assert the(db, Application).paused_at is None


def test_pause_until_resumed_cancels_planned_steps(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        post_form(client, path, html, "pause", {"until": ""})

    statuses = {
        t.status
        for t in db.session.scalars(
            select(Touchpoint).where(Touchpoint.step != "thank_you")
        )
    }
    assert statuses == {TouchpointStatus.CANCELLED}


def test_stop_everything_from_the_page(db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        post_form(client, path, html, "stop", {"scope": "all"})

    assert the(db, Candidate).opted_out_at is not None


def test_erase_asks_first_then_removes_the_person(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, html = open_plan(client, post_event, run_jobs, smtp)
        confirm = client.get(f"{path}/erase")
        erased = post_form(client, path, page_text(confirm), "erase", {})
        after = client.get(path)

    assert "This cannot be undone" in page_text(confirm)
    assert erased.status_code == 200
    candidate = the(db, Candidate)
    assert (candidate.first_name, candidate.last_name, candidate.email) == (None,) * 3
    assert after.status_code == 410
    assert "Dana" not in page_text(after)
