"""`data.candidate.locale`: a BCP 47 tag, stored as sent; absent keeps, null clears."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugin.mail.language import language_of
from plugin.models import Candidate, InboxEvent
from tests.support.events import interview_event


def deliver(post_event, run_jobs, event):
    assert post_event(event).status_code == 202
    run_jobs()


def stored_locale(db):
    db.session.expire_all()
    return db.session.scalars(select(Candidate.locale)).one()


@pytest.mark.parametrize("tag", ["es", "en-US", "es-419", "zh-Hant-TW", "de-CH-1996"])
def test_a_well_formed_tag_is_stored_as_sent(db, post_event, run_jobs, tag):
    deliver(post_event, run_jobs, interview_event(**{"data.candidate.locale": tag}))

    assert stored_locale(db) == tag


@pytest.mark.parametrize(
    "tag", ["es_MX", "spanish", "e", "es-", "-es", "es MX", "", "x" * 40, 7]
)
def test_a_malformed_tag_is_422_naming_the_field(db, post_event, tag):
    response = post_event(interview_event(**{"data.candidate.locale": tag}))

    assert response.status_code == 422
    assert "data.candidate.locale" in response.get_json()["fields"]
    assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 0


def test_an_absent_locale_changes_nothing_and_null_clears_it(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event(**{"data.candidate.locale": "es"}))
    later = {"timestamp": "2026-12-01T10:00:00Z", "type": "application.updated"}
    deliver(post_event, run_jobs, interview_event(**later))
    kept = stored_locale(db)
    cleared_event = {**later, "timestamp": "2026-12-01T11:00:00Z"}
    deliver(
        post_event,
        run_jobs,
        interview_event(**cleared_event, **{"data.candidate.locale": None}),
    )

    assert kept == "es"
    assert stored_locale(db) is None


@pytest.mark.parametrize(
    ("tag", "language"),
    [("es", "es"), ("ES-mx", "es"), ("en-GB", "en"), ("fr", "en"), (None, "en")],
)
def test_the_language_is_the_tags_if_shipped_else_the_firms(app, tag, language):
    assert language_of(Candidate(locale=tag)) == language
