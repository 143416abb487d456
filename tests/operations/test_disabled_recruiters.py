"""A disabled recruiter hears nothing; admins get their applications as unassigned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import Alert, AlertStatus, Application, Digest, Recruiter
from plugin.operations import actions
from plugin.operations.accounts import create_user
from plugin.operations.digest import build_digest
from plugin.operations.users import disable_user, user_to_disable
from tests.support.events import interview_event
from tests.support.smtp import text_part

SAM, KIM, BOSS = "sam@staffing.example", "kim@staffing.example", "boss@staffing.example"
DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
# 07:45 in New York on Thursday 10 December: everyone's digest hour has come.
MORNING = datetime(2026, 12, 10, 12, 45, tzinfo=UTC)


def disable(email: str) -> None:
    user = user_to_disable(email)
    assert user is not None
    disable_user(user)


def dana_with_a_second_application_for_kim(post_event, run_jobs) -> None:
    post_event(interview_event())  # Sam's
    post_event(
        interview_event(
            **{
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": {"name": "Kim Lee", "email": KIM},
            }
        )
    )
    run_jobs()


def sams_application_left_to_the_boss(post_event, run_jobs) -> None:
    """Dana's application, whose recruiter Sam is disabled, with Boss an admin."""
    post_event(interview_event())
    run_jobs()
    create_user(BOSS, is_admin=True)
    disable(SAM)


def report_an_offer(db, run_jobs) -> None:
    """Dana reports Birch & Co's offer on the example application, due in 5 days."""
    actions.report_competing_offer(
        the_application(db), "Birch & Co", DEC_2.date() + timedelta(days=5), None
    )
    run_jobs()


def the_application(db, external_id: str = "a-5521") -> Application:
    return db.session.scalars(
        select(Application).filter_by(external_id=external_id)
    ).one()


def test_a_disabled_recruiter_gets_no_offer_alert_but_the_others_do(
    db, smtp, post_event, run_jobs
):
    dana_with_a_second_application_for_kim(post_event, run_jobs)
    disable(SAM)

    with clock.frozen_at(DEC_2):
        report_an_offer(db, run_jobs)

    assert [m["To"].addresses[0].addr_spec for m in smtp.recruiter_messages] == [KIM]
    recruiters = db.session.scalars(select(Alert.recruiter_id)).all()
    assert recruiters == [db.session.scalar(select(Recruiter.id).filter_by(email=KIM))]


def test_a_disabled_recruiter_gets_no_news_for_the_digest(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    disable(SAM)

    actions.report_heard_back(the_application(db), "rejected")

    assert db.session.scalars(select(Alert)).all() == []


def test_an_alert_waiting_when_the_recruiter_is_disabled_is_not_sent(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DEC_2):
        actions.report_competing_offer(
            the_application(db), None, DEC_2.date() + timedelta(days=5), None
        )  # queued, not yet worked
        disable(SAM)
        run_jobs()

    alert = db.session.scalars(select(Alert)).one()
    assert smtp.recruiter_messages == []
    assert alert.status == AlertStatus.FAILED
    assert alert.last_error == "the recruiter was disabled before it was sent"


def test_no_digest_for_a_disabled_recruiter_and_the_admin_gets_the_work(
    db, smtp, post_event, run_jobs
):
    sams_application_left_to_the_boss(post_event, run_jobs)

    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()

    (digest,) = smtp.recruiter_messages
    body = text_part(digest)
    assert digest["To"].addresses[0].addr_spec == BOSS
    assert "Unassigned: no recruiter, or theirs is disabled (1)" in body
    assert (
        "Dana Okafor, the Payroll Specialist role at Acme Logistics: "
        f"recruiter {SAM} is disabled" in body
    )
    sams = db.session.scalar(select(Recruiter.id).filter_by(email=SAM))
    assert db.session.scalars(select(Digest).filter_by(recruiter_id=sams)).all() == []


def test_only_an_admins_digest_lists_unassigned_applications(db, post_event, run_jobs):
    post_event(interview_event(**{"data.application.recruiter": None}))
    post_event(
        interview_event(
            **{
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": {"name": "Kim Lee", "email": KIM},
            }
        )
    )
    run_jobs()
    create_user(BOSS, is_admin=True)
    boss = db.session.scalars(select(Recruiter).filter_by(email=BOSS)).one()
    kim = db.session.scalars(select(Recruiter).filter_by(email=KIM)).one()

    admins = build_digest(boss, MORNING).sections["unassigned"]
    kims = build_digest(kim, MORNING).sections

    assert [(i.candidate, i.detail) for i in admins] == [
        ("Dana Okafor", "no recruiter")
    ]
    assert "unassigned" not in kims


def test_an_offer_on_a_disabled_recruiters_application_reaches_the_admins_at_once(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())  # Sam's only
    run_jobs()
    create_user(BOSS, is_admin=True)
    disable(SAM)

    with clock.frozen_at(DEC_2):
        report_an_offer(db, run_jobs)

    (alert,) = smtp.recruiter_messages
    assert alert["To"].addresses[0].addr_spec == BOSS
    assert "comes to you as an admin" in text_part(alert)


def test_admins_hear_of_an_offer_once_beside_the_recruiters_who_still_work(
    db, smtp, post_event, run_jobs
):
    dana_with_a_second_application_for_kim(post_event, run_jobs)
    create_user(BOSS, is_admin=True)
    disable(SAM)

    with clock.frozen_at(DEC_2):
        report_an_offer(db, run_jobs)

    told = {
        m["To"].addresses[0].addr_spec: text_part(m) for m in smtp.recruiter_messages
    }
    assert sorted(told) == [BOSS, KIM]
    assert "as an admin" in told[BOSS] and "as an admin" not in told[KIM]


def test_an_unchanged_unassigned_application_comes_back_on_the_slower_rhythm(
    db, smtp, post_event, run_jobs
):
    sams_application_left_to_the_boss(post_event, run_jobs)

    told_on = []
    for day in range(9):
        seen = len(smtp.recruiter_messages)
        with clock.frozen_at(MORNING + timedelta(days=day)):
            run_tick()
            run_jobs()
        new = smtp.recruiter_messages[seen:]
        if any("Unassigned" in text_part(m) for m in new):
            told_on.append(day)

    # Told on the first morning, then again once [digest] repeat_unchanged_after_days
    # (7 by default) have gone by.
    assert told_on == [0, 7]


def test_a_new_recruiter_going_missing_is_news_for_the_admins_again(
    db, smtp, post_event, run_jobs
):
    sams_application_left_to_the_boss(post_event, run_jobs)
    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()
    post_event(
        interview_event(
            **{
                "data.application.recruiter": {"name": "Kim Lee", "email": KIM},
                "data.interview.id": "i-2",
            }
        )
    )
    run_jobs()
    disable(KIM)
    seen = len(smtp.recruiter_messages)

    with clock.frozen_at(MORNING + timedelta(days=1)):
        run_tick()
        run_jobs()

    (digest,) = smtp.recruiter_messages[seen:]
    assert f"recruiter {KIM} is disabled" in text_part(digest)
