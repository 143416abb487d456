"""The drafts on the plan page: notes per person, copy, mailto, the check-in."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.models import InterviewerNote
from plugin.operations.privacy import purge_expired_bodies
from tests.support.candidate import first_email, link_path, page_text
from tests.support.forms import csrf_token
from tests.support.recruiter import sign_in

DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
PANEL = [
    {"name": "Lee Park", "title": "Payroll Manager", "email": "lee@acme.example"},
    {"name": "Amara Nwosu", "title": "HR Business Partner"},
]


@pytest.fixture
def share_addresses(app):
    """A firm that lets drafts show interviewers' addresses."""
    policy = app.config["POLICY"]
    app.config["POLICY"] = replace(
        policy, routing=replace(policy.routing, share_contact_emails=True)
    )


def open_plan(client, post_event, run_jobs, smtp, **changes):
    changes = {"data.interview.interviewers": PANEL, **changes}
    path = link_path(first_email(post_event, run_jobs, smtp, **changes), "/plan/")
    return path, page_text(client.get(path))


def save_notes(client, path, page, position=0, **fields):
    prefix = f"note-{position}-"
    data = {f"{prefix}csrf_token": csrf_token(page), f"{prefix}person": "Lee Park"}
    data.update({prefix + key: value for key, value in fields.items()})
    return client.post(f"{path}/notes/{position}", data=data)


def draft_box(page, position=0) -> str:
    """The text of one draft's read-only box."""
    found = re.search(
        rf'<textarea id="draft-{position}-body"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert found, f"no draft {position} on the page"
    return html_lib.unescape(found.group(1))


def notes(db):
    db.session.expire_all()
    return db.session.scalars(select(InterviewerNote)).all()


def test_each_person_met_has_a_draft_angled_to_them(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)

    assert "Dear Lee," in draft_box(page, 0)
    assert "[one result they said matters most in the first 90 days]" in draft_box(
        page, 0
    )
    assert "Hi Amara," in draft_box(page, 1)
    assert "Subject: Thank you for walking me through the process" in re.sub(
        r"<[^>]+>", "", page
    )
    assert "Your likely manager" in page and "Recruiter or HR" in page
    # The copy button shows only with the script; the box itself is read-only.
    assert re.search(
        r'<button type="button"[^>]*data-copy="draft-0-body"[^>]*hidden', page
    )
    assert '<textarea id="draft-0-body" class="draft" readonly' in page
    assert '<script src="/static/copy.js" defer></script>' in page
    assert "mailto:" not in page  # the firm keeps addresses private by default


def test_saved_notes_go_into_the_draft(db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        answer = save_notes(
            client,
            path,
            page,
            discussed="the year-end close\nand the new payroll system",
            reinforce="i moved 400 staff to a new system with no missed pay",
        )
        after = page_text(client.get(path))

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#draft-0")
    box = draft_box(after, 0)
    assert "especially the year-end close and the new payroll system." in box
    assert "I moved 400 staff to a new system with no missed pay. That is" in box
    assert "Your notes about Lee Park are saved" in after
    (note,) = notes(db)
    assert note.person_key == "lee park" and note.shared_with_recruiter is False
    assert "the year-end close" in after  # the form shows them again, to edit


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"discussed": "x" * 501}, "Keep it to 500 characters or fewer."),
        ({"reinforce": "y" * 301}, "Keep it to 300 characters or fewer."),
        ({"discussed": "bad\x00byte"}, "Use plain text"),
    ],
)
def test_bad_notes_are_refused_with_a_clear_error_and_nothing_changes(
    db, client, smtp, post_event, run_jobs, fields, error
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        save_notes(client, path, page, discussed="kept as it was")
        answer = save_notes(client, path, page, **fields)

    assert answer.status_code == 400
    assert error in page_text(answer)
    assert 'aria-invalid="true"' in answer.text
    (note,) = notes(db)
    assert note.discussed == "kept as it was"


def test_notes_for_someone_no_longer_listed_are_refused(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        wrong_person = save_notes(client, path, page, position=1, discussed="x")
        out_of_range = save_notes(client, path, page, position=7, discussed="x")

    for answer in (wrong_person, out_of_range):
        assert answer.status_code == 400
        assert "nothing was saved" in page_text(answer)
    assert notes(db) == []


def test_notes_without_the_csrf_token_are_refused(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, _ = open_plan(client, post_event, run_jobs, smtp)
        answer = client.post(
            f"{path}/notes/0",
            data={"note-0-person": "Lee Park", "note-0-discussed": "x"},
        )

    assert answer.status_code == 400
    assert notes(db) == []


def test_mailto_link_when_the_firm_shares_addresses(
    share_addresses, db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        _, page = open_plan(client, post_event, run_jobs, smtp)

    links = [html_lib.unescape(x) for x in re.findall(r'href="(mailto:[^"]+)"', page)]
    # Lee Park's thank-you and the check-in to him: Amara Nwosu has no address.
    assert len(links) == 2
    assert links[1].startswith("mailto:lee@acme.example?subject=Checking%20in%20on")
    link = links[0]
    assert link.startswith("mailto:lee@acme.example?subject=Thank%20you%20for%20our")
    assert "&body=Dear%20Lee%2C%0D%0A%0D%0AThank%20you" in link


def test_notes_are_hidden_from_the_recruiter_until_shared(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        save_notes(client, path, page, discussed="private thoughts")
    application_id = notes(db)[0].application_id
    sign_in(client, smtp, "sam@staffing.example", run_jobs=run_jobs)
    private = page_text(client.get(f"/dashboard/applications/{application_id}"))
    page = page_text(client.get(path))  # signing in started a new session
    save_notes(client, path, page, discussed="shared thoughts", shared="y")
    shared = page_text(client.get(f"/dashboard/applications/{application_id}"))

    assert (
        "private thoughts" not in private
        and "Notes the candidate shared" not in private
    )
    assert "Notes the candidate shared" in shared
    assert "Lee Park" in shared and "Discussed: shared thoughts" in shared


def test_erasing_the_candidate_erases_their_notes(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        save_notes(client, path, page, discussed="about to go")
        confirm = page_text(client.get(f"{path}/erase"))
        client.post(f"{path}/erase", data={"csrf_token": csrf_token(confirm)})

    assert notes(db) == []


def test_notes_are_purged_after_the_retention_period(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        save_notes(client, path, page, discussed="old news")

    purge_expired_bodies(DEC_2 + timedelta(days=29), retention_days=30)
    assert len(notes(db)) == 1
    purge_expired_bodies(DEC_2 + timedelta(days=31), retention_days=30)
    assert notes(db) == []


def test_the_check_in_on_the_page_offers_a_call_only_when_calls_are_fine(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(
            client,
            post_event,
            run_jobs,
            smtp,
            **{"data.application.hiring_manager.ok_to_call": True},
        )

    assert "Your check-in" in page and 'id="check-in-body"' in page
    assert "A short call to Lee Park" in page and 'id="phone-script"' in page
    assert "I&#39;m calling to follow up" in page or "I'm calling to follow up" in page


def test_the_check_in_on_the_page_has_no_call_unless_calls_are_fine(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        _, page = open_plan(client, post_event, run_jobs, smtp)

    assert "Your check-in" in page and "Checking in on the Payroll Specialist" in page
    assert "A short call" not in page and 'id="phone-script"' not in page


def test_notes_are_shown_as_text_never_as_markup(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        save_notes(client, path, page, discussed='<script>alert("x")</script>')
        after = client.get(path).text

    assert "<script>alert" not in after
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in after
