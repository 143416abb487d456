"""Who acted, on each timeline line: recruiter, admin, candidate, ATS or operator."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from flask import g
from sqlalchemy import select

from plugin import clock
from plugin.models import Application, TimelineEntry, User
from plugin.operations.preview import actor_phrase
from tests.support.candidate import open_plan
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.recruiter import sign_in

SAM, KIM, BOSS = "sam@staffing.example", "kim@staffing.example", "boss@staffing.example"
DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def dana(db) -> int:
    return db.session.scalar(select(Application.id).filter_by(external_id="a-5521"))


def entries(db, kind: str) -> list[TimelineEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(TimelineEntry).filter_by(kind=kind)))


def timeline_text(client, application_id: int) -> str:
    """The timeline section of the application page, as a reader sees its words."""
    page = client.get(f"/dashboard/applications/{application_id}")
    section = page.text.split('id="timeline-heading"')[1].split("</section>")[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def user_id(db, email: str) -> int:
    return db.session.scalar(select(User.id).filter_by(email=email))


def test_a_recruiters_pause_names_them(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    page = client.get(f"/dashboard/applications/{dana(db)}")

    client.post(
        f"/dashboard/applications/{dana(db)}/pause",
        data={"csrf_token": csrf_token(page.text), "until": ""},
    )

    (paused,) = entries(db, "paused")
    assert (paused.actor_kind, paused.actor_user_id) == ("recruiter", user_id(db, SAM))
    assert "paused until resumed · by Sam Rivera (recruiter)" in timeline_text(
        client, dana(db)
    )


def test_an_admins_reassignment_names_them(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)
    page = client.get(f"/dashboard/applications/{dana(db)}")

    client.post(
        f"/dashboard/applications/{dana(db)}/reassign",
        data={"csrf_token": csrf_token(page.text), "recruiter_email": KIM},
    )

    (moved,) = entries(db, "reassigned")
    assert (moved.actor_kind, moved.actor_user_id) == ("admin", user_id(db, BOSS))
    assert f"moved to recruiter {KIM} · by {BOSS} (admin)" in timeline_text(
        client, dana(db)
    )


def test_the_candidates_pause_says_the_candidate(
    db, client, smtp, post_event, run_jobs
):
    with clock.frozen_at(DEC_2):
        path, page = open_plan(client, post_event, run_jobs, smtp)
        client.post(f"{path}/pause", data={"csrf_token": csrf_token(page), "until": ""})
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    (paused,) = entries(db, "paused")
    assert (paused.actor_kind, paused.actor_user_id) == ("candidate", None)
    assert "paused until resumed · by the candidate" in timeline_text(client, dana(db))


def test_ats_changes_say_where_they_came_from(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            type="application.rejected",
            timestamp="2026-12-03T09:00:00Z",
            **{
                "data.application.decision_deadline": "2026-12-20",
                "data.application.recruiter": {"name": "Kim Lee", "email": KIM},
            },
        )
    )
    run_jobs()
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)

    text = timeline_text(client, dana(db))

    for kind in ("deadline", "decision", "reassigned"):
        assert {e.actor_kind for e in entries(db, kind)} == {"ats"}, kind
    assert "decision deadline set to 2026-12-20 by the ATS · from the ATS" in text
    assert "status set to rejected · from the ATS" in text
    assert f"moved to recruiter {KIM} · from the ATS" in text


def test_an_operators_command_says_so(db, client, smtp, runner, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()

    result = runner.invoke(args=["candidates", "forget", "standard:c-881"])
    g.pop("user", None)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    (erased,) = entries(db, "erased")
    assert result.exit_code == 0 and erased.actor_kind == "operator"
    assert "erased · by an operator from the command line" in timeline_text(
        client, dana(db)
    )


def test_lines_of_the_planner_name_nobody(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()

    planned = entries(db, "planned")

    assert planned and {(e.actor_kind, e.actor_user_id) for e in planned} == {
        (None, None)
    }


def test_a_named_source_is_named():
    assert actor_phrase("ats", None, "bullhorn") == "from Bullhorn"
    assert actor_phrase("ats", None, "standard") == "from the ATS"
    assert actor_phrase(None, None, "bullhorn") is None


def test_the_api_timeline_carries_the_actor(db, client, runner, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    runner.invoke(args=["users", "create", SAM])
    token = runner.invoke(args=["users", "create-token", SAM]).output.strip()
    headers = {"Authorization": f"Bearer {token}"}

    client.post(f"/api/applications/{dana(db)}/pause", json={}, headers=headers)
    timeline = client.get(f"/api/applications/{dana(db)}", headers=headers).get_json()[
        "timeline"
    ]

    paused = [row for row in timeline if row["kind"] == "paused"]
    assert [(r["actor_kind"], r["actor"]) for r in paused] == [
        ("recruiter", "by Sam Rivera (recruiter)")
    ]
