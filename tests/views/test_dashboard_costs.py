"""The dashboard's pages cost the same statements for N or 10N applications."""

from __future__ import annotations

from datetime import UTC, datetime

from plugin import clock
from plugin.extensions import count_statements
from plugin.jobs.tick import run_tick
from tests.support.dashboard import (
    BOSS,
    INTERVIEW_DAY_NOON,
    SAM,
    add_applications,
    application_id,
)
from tests.support.recruiter import sign_in

N = 3
THANK_YOUS_SENT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
PAGES = (
    "/dashboard",
    "/dashboard/applications",
    "/dashboard/applications?q=person&state=any&page=2",
    "/dashboard/applications/{first}",
    "/dashboard/outcomes",
)


def statements_per_page(db, client) -> dict[str, int]:
    """Statements each page sends, read as of noon on the interview day."""
    first = application_id(db, "a-0")
    counts = {}
    with clock.frozen_at(INTERVIEW_DAY_NOON):
        for page in PAGES:
            path = page.format(first=first)

            def get(path=path):
                assert client.get(path).status_code == 200

            counts[page] = count_statements(get)
    return counts


def grow(db, post_event, run_jobs, start, count):
    add_applications(db, post_event, run_jobs, start, count)
    with clock.frozen_at(THANK_YOUS_SENT):
        run_tick()
        run_jobs()
    db.session.expire_all()


def test_a_recruiters_pages_cost_the_same_for_n_or_10n(
    db, client, smtp, post_event, run_jobs
):
    grow(db, post_event, run_jobs, 0, N)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    small = statements_per_page(db, client)

    grow(db, post_event, run_jobs, N, 9 * N)
    large = statements_per_page(db, client)

    print(f"\nstatements per page, recruiter, {N} vs {10 * N} applications: {large}")
    assert small == large
    assert max(large.values()) <= 12


def test_an_admins_pages_cost_the_same_for_n_or_10n(
    db, client, smtp, post_event, run_jobs
):
    grow(db, post_event, run_jobs, 0, N)
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)
    small = statements_per_page(db, client)

    grow(db, post_event, run_jobs, N, 9 * N)
    large = statements_per_page(db, client)

    print(f"\nstatements per page, admin, {N} vs {10 * N} applications: {large}")
    assert small == large
    assert max(large.values()) <= 13
