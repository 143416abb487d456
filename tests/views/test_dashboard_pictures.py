"""The timeline strip and the outcome charts: SVG drawn on the server, readable in
words, and allowed by the page's Content-Security-Policy."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.views.pictures import StripMark, draw_strip
from tests.support.dashboard import BOSS, SAM, application_id
from tests.support.events import interview_event
from tests.support.recruiter import sign_in

SVG = "{http://www.w3.org/2000/svg}"
NEW_YORK = ZoneInfo("America/New_York")
AFTER_THANK_YOU = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


def svgs(page: str) -> list[ElementTree.Element]:
    """Every picture of a page that is meant to be read (not the legend's swatches)."""
    return [
        ElementTree.fromstring(match)
        for match in re.findall(r"<svg class=\"(?:strip|chart)\".*?</svg>", page, re.S)
    ]


def assert_accessible_and_unstyled(page: str) -> None:
    pictures = svgs(page)
    assert pictures
    for picture in pictures:
        assert picture.get("role") == "img"
        labelled_by = picture.get("aria-labelledby").split()
        assert picture.find(f"{SVG}title").get("id") == labelled_by[0]
        assert picture.find(f"{SVG}desc").text.strip()
    # The CSP forbids inline styles and scripts: none may be in the page.
    assert "style=" not in page and "<style" not in page and "<script" not in page


def test_the_strip_shows_each_step_and_today(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(datetime(2026, 12, 1, 22, tzinfo=UTC)):
        run_tick()
        run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")

    with clock.frozen_at(AFTER_THANK_YOU):
        page = client.get(f"/dashboard/applications/{dana}").text

    assert_accessible_and_unstyled(page)
    strip = svgs(page)[0]
    labels = [t.text for t in strip.iter(f"{SVG}text")]
    assert labels[0] == "Today 2 Dec"
    for expected in (
        "Interview 1 Dec",
        "Thank-you 1 Dec",
        "Note 2 Dec",
        "Deadline 9 Dec",
        "Check-in 12 Dec",
        "Move-on 19 Dec",
    ):
        assert expected in labels
    description = html.unescape(strip.find(f"{SVG}desc").text)
    assert "Thank-you, sent, Tue 01 Dec 17:00 EST" in description
    assert "Check-in, planned, " in description
    assert "today is Wed 02 Dec 12:00 EST" in description
    assert "Dana Okafor: Payroll Specialist, Acme Logistics" in html.unescape(page)


def test_labels_that_would_overlap_go_on_separate_rows():
    start = datetime(2026, 12, 1, 21, tzinfo=UTC)
    marks = [
        StripMark("interview", start, "held"),
        StripMark("thank_you", start.replace(hour=22), "sent"),
        StripMark("move_on", start.replace(day=30), "planned"),
    ]

    strip = draw_strip(marks, start, NEW_YORK)

    rows = [placed.label_y for placed in strip.marks]
    assert rows[0] != rows[1] and rows[2] == rows[0]
    assert strip.marks[2].anchor == "end"  # at the right edge, it ends at its mark
    assert all(0 <= placed.x <= strip.width for placed in strip.marks)


def test_the_outcomes_page_draws_each_measure(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(datetime(2026, 12, 1, 22, tzinfo=UTC)):
        run_tick()
        run_jobs()
    post_event(
        interview_event(type="application.hired", timestamp="2026-12-15T21:00:00Z")
    )
    run_jobs()
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)

    page = client.get("/dashboard/outcomes").text

    assert_accessible_and_unstyled(page)
    assert [p.find(f"{SVG}title").text for p in svgs(page)] == [
        "Thank-you coaching within 24 hours of the interview",
        "Check-ins that waited for the deadline plus 3 days",
        "Days from the last interview to the decision",
    ]
    assert "100% (1 of 1)" in page
    assert "Nothing to measure yet" in page
    assert "Median 14.0 days, over 1 decision." in page
    assert "Every application in the firm" in page


def test_a_recruiter_reads_the_outcomes_of_their_own(
    db, client, smtp, post_event, run_jobs
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    page = client.get("/dashboard/outcomes")

    assert page.status_code == 200 and "Your applications" in page.text
    assert client.get("/dashboard/outcomes?recruiter=2").status_code == 400


def test_the_pages_need_a_session(client):
    for path in ("/dashboard", "/dashboard/applications", "/dashboard/outcomes"):
        assert client.get(path).status_code == 302


def test_an_interview_still_ahead_is_drawn_hollow(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    dana = application_id(db, "a-5521")

    with clock.frozen_at(datetime(2026, 11, 30, 17, tzinfo=UTC)):
        page = client.get(f"/dashboard/applications/{dana}").text

    description = svgs(page)[0].find(f"{SVG}desc").text
    assert description.startswith("Interview, scheduled, Tue 01 Dec 16:00 EST")


def test_the_outcomes_narrow_to_the_applications_interviewed_in_a_period(
    db, client, smtp, post_event, run_jobs
):
    post_event(interview_event())  # Dana, interviewed on 1 December 2026
    run_jobs()
    with clock.frozen_at(datetime(2026, 12, 1, 22, tzinfo=UTC)):
        run_tick()
        run_jobs()
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)

    during = client.get("/dashboard/outcomes?since=2026-11-30&until=2026-12-01").text
    after = client.get("/dashboard/outcomes?since=2026-12-02").text

    assert "interviewed from 30 November 2026 to 01 December 2026" in during
    assert "100% (1 of 1)" in during
    assert "interviewed on or after 02 December 2026" in after
    assert "100% (1 of 1)" not in after


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2026-13-01", "since"),
        ("until=1999-12-31", "until"),
        ("since=2026-12-02&until=2026-12-01", "until"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(
    db, client, smtp, run_jobs, query, field
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    answer = client.get(f"/dashboard/outcomes?{query}")

    assert answer.status_code == 400
    assert f"<strong>{field}</strong>" in answer.text
