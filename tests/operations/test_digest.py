"""The morning digest: ranked by urgency, one per recruiter per day, cheap to build."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from plugin import clock
from plugin.extensions import count_statements
from plugin.jobs.digests import send_digest
from plugin.jobs.tick import run_tick
from plugin.models import Application, Digest, OutboundEmail, Recruiter
from plugin.operations import actions
from plugin.operations.digest import build_digest
from tests.support.events import interview_event
from tests.support.smtp import text_part

# 07:30 in New York (Sam's zone) on Thursday 10 December 2026.
MORNING = datetime(2026, 12, 10, 12, 30, tzinfo=UTC)


def application(db, external_id):
    return db.session.scalars(
        select(Application).filter_by(external_id=external_id)
    ).one()


def sam(db):
    return db.session.scalars(
        select(Recruiter).filter_by(email="sam@staffing.example")
    ).one()


def one_of_each(db, post_event, run_jobs):
    """Applications that land in each section, for Sam."""

    def post(name, **changes):
        post_event(
            interview_event(
                **{
                    "data.candidate.id": f"c-{name}",
                    "data.candidate.first_name": name,
                    "data.candidate.email": f"{name.lower()}@example.org",
                    "data.application.id": f"a-{name}",
                    "data.interview.id": f"i-{name}",
                    **changes,
                }
            )
        )

    with clock.frozen_at(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)):
        post("Olga")  # offer, deadline Dec 14
        post("Omar")  # offer, deadline Dec 12: comes first
        post("Dana")  # decision deadline Dec 8: overdue by the 10th
        post(
            "Tess",
            **{
                "data.interview.starts_at": "2026-12-10T09:00:00-06:00",
                "data.interview.ends_at": "2026-12-10T10:00:00-06:00",
                "data.application.decision_deadline": "2026-12-20",
            },
        )
        run_jobs()
        actions.report_competing_offer(
            application(db, "a-Olga"), "Birch", date(2026, 12, 14), None
        )
        actions.report_competing_offer(
            application(db, "a-Omar"), None, date(2026, 12, 12), None
        )
        run_jobs()


def test_sections_come_in_order_of_urgency(db, post_event, run_jobs):
    one_of_each(db, post_event, run_jobs)

    content = build_digest(sam(db), MORNING)

    keys = [key for key, _, _ in content.ordered()]
    assert keys == ["offers", "overdue", "interviews"]
    offers = [item.candidate for item in content.sections["offers"]]
    assert offers[:2] == ["Omar Okafor", "Olga Okafor"]
    assert "ends Sat 12 Dec (2 days left)" in content.sections["offers"][0].detail
    overdue = {item.candidate for item in content.sections["overdue"]}
    assert "Dana Okafor" in overdue and "Tess Okafor" not in overdue
    assert content.sections["interviews"][0].detail == "interview at 10:00 EST"


def test_a_check_in_is_told_once_and_an_unchanged_item_waits_a_week(
    db, post_event, run_jobs, smtp
):
    with clock.frozen_at(datetime(2026, 11, 20, 12, 0, tzinfo=UTC)):
        post_event(
            interview_event(
                **{
                    "timestamp": "2026-11-20T12:00:00Z",
                    "data.interview.starts_at": "2026-11-20T14:00:00-06:00",
                    "data.interview.ends_at": "2026-11-20T15:00:00-06:00",
                    "data.application.decision_deadline": "2026-11-27",
                }
            )
        )
        run_jobs()
    with clock.frozen_at(datetime(2026, 12, 1, 14, 0, tzinfo=UTC)):
        run_tick()  # the check-in goes out, then that day's digest
        run_jobs()

    (digest,) = smtp.recruiter_messages
    body = text_part(digest)
    assert "Employer decisions overdue (1)" in body
    assert "; also check-in sent Tue 01 Dec" in body
    assert "nothing from the employer since Fri 20 Nov (11 days)" in body
    # Read again the same evening (the dashboard), it says the same.
    evening = build_digest(sam(db), datetime(2026, 12, 1, 23, 0, tzinfo=UTC))
    (again,) = evening.sections["overdue"]
    assert again.detail in body
    assert "; also check-in sent Tue 01 Dec" in again.detail
    for day in range(2, 8):  # nothing changed: not repeated within the week
        at = datetime(2026, 12, day, 12, 30, tzinfo=UTC)
        assert build_digest(sam(db), at).total == 0
    week_later = build_digest(sam(db), datetime(2026, 12, 8, 12, 30, tzinfo=UTC))
    (item,) = week_later.sections["overdue"]
    assert item.detail == (
        "decision was due Fri 27 Nov (11 days ago); "
        "also nothing from the employer since Fri 20 Nov (18 days)"
    )


def test_exactly_one_digest_per_recruiter_per_day(db, smtp, post_event, run_jobs):
    one_of_each(db, post_event, run_jobs)

    with clock.frozen_at(MORNING):
        run_tick()
        run_tick()  # overlapping ticks queue it twice
        run_jobs()
        send_digest(sam(db).id, "2026-12-10")  # and a straggler re-runs the job
    with clock.frozen_at(MORNING + timedelta(hours=5)):
        run_tick()
        run_jobs()

    digests = [m for m in smtp.recruiter_messages if "digest" in str(m["Subject"])]
    assert len(digests) == 1
    assert db.session.scalar(select(func.count()).select_from(Digest)) == 1
    body = text_part(digests[0])
    assert body.startswith("Good morning Sam. Here is who needs you today")
    assert body.index("Competing offers") < body.index("Employer decisions overdue")


def test_nothing_to_say_means_no_digest_email(db, smtp, run_jobs):
    recruiter = Recruiter(email="quiet@staffing.example", timezone="America/New_York")
    db.session.add(recruiter)
    db.session.commit()

    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()

    assert smtp.recruiter_messages == []
    digest = db.session.scalars(select(Digest)).one()
    assert digest.status == "empty"


def test_no_digest_before_the_morning_hour(db, smtp, post_event, run_jobs):
    one_of_each(db, post_event, run_jobs)

    with clock.frozen_at(MORNING - timedelta(minutes=1)):
        assert run_tick().digests_queued == 0


def test_news_waits_for_the_digest_and_is_sent_once(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(MORNING - timedelta(hours=3)):
        actions.report_heard_back(application(db, "a-5521"), "rejected")
        run_jobs()

    with clock.frozen_at(MORNING):
        run_tick()
        run_jobs()
    with clock.frozen_at(MORNING + timedelta(days=1)):
        run_tick()
        run_jobs()

    bodies = [text_part(m) for m in smtp.recruiter_messages]
    assert sum("heard back from the employer: a no" in b for b in bodies) == 1


def add_applications(db, post_event, run_jobs, start, count):
    for number in range(start, start + count):
        post_event(
            interview_event(
                **{
                    "data.candidate.id": f"c-{number}",
                    "data.candidate.email": f"p{number}@example.org",
                    "data.application.id": f"a-{number}",
                    "data.interview.id": f"i-{number}",
                }
            )
        )
    run_jobs()
    for number in range(start, start + count, 2):
        actions.report_competing_offer(
            application(db, f"a-{number}"), None, date(2026, 12, 20), None
        )
    run_jobs()


def test_digest_and_dashboard_cost_the_same_queries_for_3_or_30_applications(
    db, post_event, run_jobs
):
    from plugin.operations.accounts import create_user
    from plugin.operations.applications import application_rows

    user = create_user("sam@staffing.example")
    add_applications(db, post_event, run_jobs, 0, 3)
    small = (
        count_statements(lambda: build_digest(sam(db), MORNING)),
        count_statements(lambda: application_rows(user)),
    )
    add_applications(db, post_event, run_jobs, 3, 27)
    db.session.expire_all()
    large = (
        count_statements(lambda: build_digest(sam(db), MORNING)),
        count_statements(lambda: application_rows(user)),
    )

    assert small == large
    assert large[0] <= 10 and large[1] <= 3
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) > 0


def test_the_greeting_uses_the_first_name_or_none():
    assert Recruiter(name="Sam Rivera").first_name == "Sam"
    assert Recruiter(name="  Zoë  ").first_name == "Zoë"
    assert Recruiter(name=None).first_name is None
    assert Recruiter(name=" ").first_name is None
