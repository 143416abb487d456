"""Identical competing-offer reports racing each other still make one alert."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from plugin import clock
from plugin.models import Alert, Application, CompetingOffer, OutboundEmail
from plugin.operations import actions
from tests.support.database import TEST_DATABASE_URL
from tests.support.events import interview_event

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="the candidate's row lock is PostgreSQL's; set TEST_DATABASE_URL",
)

DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
REPORTS = 8


def count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def report_at_once(app, db, application_ids: list[int]) -> None:
    """One report per id in `application_ids`, all released at the same moment."""
    db.session.remove()
    start = threading.Barrier(len(application_ids))
    failures: list[BaseException] = []

    def report(application_id: int) -> None:
        with app.app_context(), clock.frozen_at(DEC_2):
            application = db.session.get(Application, application_id)
            start.wait(timeout=10)
            try:
                actions.report_competing_offer(
                    application, "Birch & Co", date(2026, 12, 7), None
                )
            except BaseException as exc:  # reported below, in the test's thread
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=report, args=(i,)) for i in application_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []


def test_identical_reports_sent_at_once_make_one_offer_and_one_alert(
    app, db, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    application_id = db.session.scalars(select(Application.id)).one()

    report_at_once(app, db, [application_id] * REPORTS)

    assert count(db, CompetingOffer) == 1
    assert count(db, Alert) == 1
    guidance = db.session.scalar(
        select(func.count())
        .select_from(OutboundEmail)
        .where(OutboundEmail.template == "offer_guidance")
    )
    assert guidance == 1


def test_one_offer_sent_at_once_from_two_applications_alerts_once(
    app, db, post_event, run_jobs
):
    post_event(interview_event())
    post_event(
        interview_event(
            **{"data.application.id": "a-other", "data.interview.id": "i-other"}
        )
    )
    run_jobs()
    application_ids = list(db.session.scalars(select(Application.id)))

    report_at_once(app, db, application_ids * (REPORTS // 2))

    # Each application records the offer once; the one recruiter hears once.
    assert count(db, CompetingOffer) == 2
    assert count(db, Alert) == 1
