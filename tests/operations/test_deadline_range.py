"""A decision deadline outside the accepted years is never stored, whoever states it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from plugin.models import Application
from plugin.operations.planning import DeadlineOutOfRange, set_decision_deadline
from tests.support.events import interview_event as event


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(2101, 1, 1)])
def test_set_decision_deadline_refuses_dates_outside_the_years(
    db, post_event, run_jobs, day
):
    post_event(event())
    run_jobs()
    application = db.session.scalars(select(Application)).one()

    with pytest.raises(DeadlineOutOfRange):
        set_decision_deadline(application, day, "recruiter")

    assert application.decision_deadline == date(2026, 12, 8)
