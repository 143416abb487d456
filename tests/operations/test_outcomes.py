"""The outcomes page's measures, from a cadence run through its real rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import Application, OutboundEmail
from plugin.operations.accounts import create_user
from plugin.operations.outcomes import DecisionTimes, Share, etiquette_outcomes
from tests.support.dashboard import BOSS, KIMS_RECRUITER, SAM
from tests.support.events import interview_event

# The example interview ends Dec 1, 15:00 in Chicago (21:00 UTC).
ON_TIME = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
TWO_DAYS_LATE = datetime(2026, 12, 3, 22, 0, tzinfo=UTC)
# Deadline Dec 8: a check-in may go from Dec 12 00:00 in Chicago, after quiet hours.
CHECK_IN_TIME = datetime(2026, 12, 12, 15, 0, tzinfo=UTC)


def tick_at(instant, run_jobs):
    with clock.frozen_at(instant):
        run_tick()
        run_jobs()


def second_application(**changes):
    return interview_event(
        **{
            "data.candidate.id": "c-2",
            "data.candidate.email": "ravi@example.org",
            "data.application.id": "a-2",
            "data.interview.id": "i-2",
            **changes,
        }
    )


def test_a_thank_you_sent_on_time_counts_and_a_late_skipped_one_does_not(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    tick_at(ON_TIME, run_jobs)
    # The second round is only processed once its thank-you is too late to send.
    post_event(second_application())
    run_jobs()
    tick_at(TWO_DAYS_LATE, run_jobs)

    measured = etiquette_outcomes(create_user(BOSS, is_admin=True))

    assert measured.thank_you_on_time == Share(counted=2, met=1)
    assert measured.thank_you_on_time.percent == 50


def test_a_check_in_sent_by_the_rules_respects_the_deadline(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    for instant in (ON_TIME, datetime(2026, 12, 2, 22, tzinfo=UTC), CHECK_IN_TIME):
        tick_at(instant, run_jobs)

    measured = etiquette_outcomes(create_user(BOSS, is_admin=True))

    assert db.session.scalars(
        select(OutboundEmail.template)
        .filter_by(status="sent")
        .order_by(OutboundEmail.sent_at)
    ).all() == ["thank_you", "handwritten_note", "check_in"]
    assert measured.check_in_after_deadline == Share(counted=1, met=1)


def test_a_check_in_before_the_deadline_plus_three_days_is_caught(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    for instant in (ON_TIME, datetime(2026, 12, 2, 22, tzinfo=UTC), CHECK_IN_TIME):
        tick_at(instant, run_jobs)
    # A deadline moved later after the fact: the check-in now looks early.
    application = db.session.scalars(select(Application)).one()
    application.decision_deadline = application.decision_deadline.replace(day=10)
    db.session.commit()

    measured = etiquette_outcomes(create_user(BOSS, is_admin=True))

    assert measured.check_in_after_deadline == Share(counted=1, met=0)


def test_time_to_decision_runs_from_the_last_interview_to_the_decision(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    post_event(second_application())
    post_event(
        interview_event(type="application.hired", timestamp="2026-12-15T21:00:00Z")
    )
    post_event(
        second_application(
            type="application.rejected", timestamp="2026-12-04T21:00:00Z"
        )
    )
    run_jobs()

    times = etiquette_outcomes(create_user(BOSS, is_admin=True)).decision_times

    assert times.days == (3.0, 14.0)
    assert times.median == 8.5
    assert dict(times.bins) == {
        "3 days or less": 1,
        "4 to 7 days": 0,
        "8 to 14 days": 1,
        "15 to 30 days": 0,
        "over 30 days": 0,
    }


def test_a_reopened_application_has_no_decision_time(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(type="application.rejected", timestamp="2026-12-04T21:00:00Z")
    )
    post_event(
        interview_event(type="application.reopened", timestamp="2026-12-05T21:00:00Z")
    )
    run_jobs()

    times = etiquette_outcomes(create_user(BOSS, is_admin=True)).decision_times

    assert times.days == ()


def test_a_recruiter_measures_only_their_own(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    kims = {"data.application.recruiter": KIMS_RECRUITER}
    post_event(second_application(**kims))
    post_event(
        second_application(
            type="application.rejected", timestamp="2026-12-04T21:00:00Z", **kims
        )
    )
    run_jobs()

    sams = etiquette_outcomes(create_user(SAM)).decision_times
    firms = etiquette_outcomes(create_user(BOSS, is_admin=True)).decision_times

    assert sams.days == () and firms.days == (3.0,)


@pytest.mark.parametrize(
    ("days", "median"), [((), None), ((1.0,), 1.0), ((1.0, 2.0, 10.0), 2.0)]
)
def test_the_median_of_decision_times(days, median):
    assert DecisionTimes(days).median == median


def test_a_share_of_nothing_has_no_percentage():
    assert Share(0, 0).percent is None


def test_the_first_decision_is_when_the_employer_decided(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    post_event(
        interview_event(
            type="application.offer_extended", timestamp="2026-12-06T21:00:00Z"
        )
    )
    post_event(
        interview_event(type="application.hired", timestamp="2026-12-20T21:00:00Z")
    )
    run_jobs()

    times = etiquette_outcomes(create_user(BOSS, is_admin=True)).decision_times

    assert times.days == (5.0,)
