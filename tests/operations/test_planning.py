"""The whole etiquette on the database: four emails in order, a readable timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import Application, TimelineEntry, Touchpoint, TouchpointStatus
from tests.support.database import empty_tables
from tests.support.events import DELETE, interview_event
from tests.support.signing import SignedPost
from tests.support.smtp import text_part

CHICAGO_4PM_DEC1 = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def run_until(when, run_jobs, step=timedelta(hours=1), start=CHICAGO_4PM_DEC1):
    """Tick every `step` from `start` to `when`, as a scheduler would (coarsely)."""
    at = start
    while at <= when:
        with clock.frozen_at(at):
            run_tick()
            run_jobs()
        at += step


def test_one_application_gets_the_four_steps_in_order(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()

    run_until(datetime(2026, 12, 21, tzinfo=UTC), run_jobs)

    subjects = [m["Subject"] for m in smtp.candidate_messages]
    assert subjects == [
        "Your Acme Logistics interview: thank-you notes to send",
        "Optional: a handwritten note for Acme Logistics",
        "A short check-in with Acme Logistics",
        "You've done your part with Acme Logistics",
    ]
    check_in = text_part(smtp.candidate_messages[2])
    assert "hoped to decide by Tuesday, December 8" in check_in
    assert "Dear Lee," in check_in
    assert "phone call" not in check_in  # the manager did not say calling is fine
    note = text_part(smtp.candidate_messages[1])
    assert "100 Main St, Springfield, IL 62701" in note


def test_timeline_reads_like_the_etiquette(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    run_until(datetime(2026, 12, 21, tzinfo=UTC), run_jobs)

    entries = db.session.scalars(select(TimelineEntry).order_by(TimelineEntry.id)).all()
    story = [(e.kind, e.step) for e in entries if e.kind in ("planned", "sent")]
    assert story == [
        ("planned", "thank_you"),
        ("planned", "handwritten_note"),
        ("planned", "check_in"),
        ("planned", "move_on"),
        ("sent", "thank_you"),
        ("sent", "handwritten_note"),
        ("sent", "check_in"),
        ("sent", "move_on"),
    ]
    deadline = next(e for e in entries if e.kind == "deadline")
    assert deadline.detail == "decision deadline set to 2026-12-08 by the ATS"


def test_a_new_deadline_moves_the_check_in(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    post_event(
        interview_event(
            type="application.updated",
            timestamp="2026-12-02T10:00:00Z",
            **{
                "data.application.decision_deadline": "2026-12-15",
                "data.interview": DELETE,
            },
        )
    )
    run_jobs()

    check_in = db.session.scalars(select(Touchpoint).filter_by(step="check_in")).one()
    assert check_in.due_at == datetime(2026, 12, 19, 14, 0, tzinfo=UTC)  # 08:00 Chicago
    moved = db.session.scalars(
        select(TimelineEntry).filter_by(kind="moved", step="check_in")
    ).one()
    assert moved.detail.startswith("due Sat 19 Dec 2026 08:00 CST: 3 days after")


def test_hired_stops_everything_still_planned(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    run_until(CHICAGO_4PM_DEC1, run_jobs)
    post_event(
        interview_event(
            type="application.hired",
            timestamp="2026-12-02T10:00:00Z",
            **{"data.interview": DELETE},
        )
    )
    run_jobs()
    run_until(datetime(2026, 12, 21, tzinfo=UTC), run_jobs, start=CHICAGO_4PM_DEC1)

    assert len(smtp.candidate_messages) == 1  # only the thank-you, sent before the hire
    statuses = {t.step: t.status for t in db.session.scalars(select(Touchpoint))}
    assert statuses == {
        "thank_you": TouchpointStatus.SENT,
        "handwritten_note": TouchpointStatus.CANCELLED,
        "check_in": TouchpointStatus.CANCELLED,
        "move_on": TouchpointStatus.CANCELLED,
    }


def test_tick_late_after_an_outage_skips_the_stale_thank_you(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()

    with clock.frozen_at(CHICAGO_4PM_DEC1 + timedelta(hours=40)):
        run_tick()
        run_jobs()

    thank_you = db.session.scalars(select(Touchpoint).filter_by(step="thank_you")).one()
    assert thank_you.status == TouchpointStatus.SKIPPED
    assert thank_you.reason.startswith("too late to help")
    assert [m["Subject"] for m in smtp.candidate_messages] == [
        "Optional: a handwritten note for Acme Logistics"
    ]


def test_spacing_holds_across_two_applications(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.application.id": "a-other",
                "data.interview.id": "i-other",
                "data.application.employer.name": "Birch & Co",
            }
        )
    )
    run_jobs()

    run_until(
        CHICAGO_4PM_DEC1 + timedelta(hours=17), run_jobs, step=timedelta(minutes=30)
    )
    assert len(smtp.candidate_messages) == 1
    deferred = db.session.scalars(
        select(TimelineEntry).filter_by(kind="deferred")
    ).one()
    assert "another coaching email went out recently" in deferred.detail

    run_until(
        CHICAGO_4PM_DEC1 + timedelta(hours=20),
        run_jobs,
        step=timedelta(minutes=30),
        start=CHICAGO_4PM_DEC1 + timedelta(hours=17, minutes=30),
    )
    assert len(smtp.candidate_messages) == 2
    first, second = (m["Date"].datetime for m in smtp.candidate_messages)
    assert second - first >= timedelta(hours=18)


def test_via_recruiter_routing_sends_the_check_in_through_the_recruiter(
    settings, tmp_path, redis
):
    from plugin import create_app
    from plugin.extensions.queues import use_redis

    policy = tmp_path / "routing.toml"
    policy.write_text(
        '[firm]\nname = "Northwind"\npostal_address = "1 Way"\n'
        '[routing]\nmode = "via_recruiter"\n'
    )
    settings["POLICY_FILE"] = str(policy)
    app = create_app(settings)
    use_redis(app, None)
    with app.app_context():
        SignedPost(app.test_client())(interview_event())
        for day in range(0, 20):
            with clock.frozen_at(CHICAGO_4PM_DEC1 + timedelta(days=day)):
                run_tick()
        texts = sorted(p.read_text() for p in (tmp_path / "mail").glob("*.eml"))
        db_app = app.extensions["sqlalchemy"].session.scalars(select(Application)).one()
        assert db_app.status == "active"

    empty_tables(app)
    joined = "\n".join(texts)
    assert "Time to ask your recruiter for news" in joined
    assert "rather than to Acme Logistics directly" in joined
