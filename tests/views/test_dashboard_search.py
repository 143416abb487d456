"""Finding an application: search, filters, pages, and refusals that name the field."""

from __future__ import annotations

import html
import re

import pytest

from plugin.operations.applications import PAGE_SIZE
from tests.support.dashboard import BOSS, KIMS_RECRUITER, SAM, add_applications
from tests.support.events import interview_event
from tests.support.recruiter import sign_in


def found(client, query: str) -> list[str]:
    """The candidates listed by a search, in order."""
    response = client.get(f"/dashboard/applications{query}")
    assert response.status_code == 200, response.text
    return [
        html.unescape(name)
        for name in re.findall(
            r'/dashboard/applications/\d+">([^<]+)</a>', response.text
        )
    ]


def one_of_each(post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.first_name": "Zoë",
                "data.candidate.last_name": "Ångström",
                "data.candidate.email": "zoe@example.org",
                "data.application.id": "a-2",
                "data.application.job_title": "Forklift_Operator 100%",
                "data.application.employer": {"name": "Initech", "timezone": None},
                "data.interview.id": "i-2",
            }
        )
    )
    run_jobs()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("okafor", ["Dana Okafor"]),
        ("DANA OKAFOR", ["Dana Okafor"]),
        ("acme", ["Dana Okafor"]),
        ("payroll spec", ["Dana Okafor"]),
        ("initech", ["Zoë Ångström"]),
        ("Zoë", ["Zoë Ångström"]),
        ("ZOË ÅNGSTRÖM", ["Zoë Ångström"]),
        ("ångström", ["Zoë Ångström"]),
        ("100%", ["Zoë Ångström"]),
        ("t_o", ["Zoë Ångström"]),
        ("%", ["Zoë Ångström"]),
        ("nobody", []),
    ],
)
def test_search_matches_candidate_employer_or_job_in_any_case(
    db, client, smtp, post_event, run_jobs, typed, expected
):
    one_of_each(post_event, run_jobs)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    assert found(client, "?" + _query(q=typed)) == expected


def test_the_state_filter_finds_decided_applications(
    db, client, smtp, post_event, run_jobs
):
    one_of_each(post_event, run_jobs)
    post_event(
        interview_event(type="application.hired", timestamp="2026-12-10T15:00:00Z")
    )
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    assert found(client, "") == ["Zoë Ångström"]
    assert found(client, "?state=hired") == ["Dana Okafor"]
    assert sorted(found(client, "?state=any")) == ["Dana Okafor", "Zoë Ångström"]
    page = client.get("/dashboard/applications?state=hired").text
    assert "Payroll Specialist, Acme Logistics" in page and ">Hired</span>" in page


def test_a_recruiter_finds_only_their_own(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.last_name": "Shah",
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": KIMS_RECRUITER,
            }
        )
    )
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    assert found(client, "?q=dana") == ["Dana Okafor"]


def test_an_admin_filters_by_recruiter(db, client, smtp, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.last_name": "Shah",
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": KIMS_RECRUITER,
            }
        )
    )
    run_jobs()
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)
    page = client.get("/dashboard/applications").text
    kim = re.search(r'<option value="(\d+)">Kim Lee</option>', page).group(1)

    assert sorted(found(client, "")) == ["Dana Okafor", "Dana Shah"]
    assert found(client, f"?recruiter={kim}") == ["Dana Shah"]


def test_results_come_in_pages_with_links(db, client, smtp, post_event, run_jobs):
    add_applications(db, post_event, run_jobs, 0, PAGE_SIZE + 3)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    first = client.get("/dashboard/applications?q=person").text
    second = found(client, "?q=person&page=2")

    assert len(found(client, "?q=person")) == PAGE_SIZE and len(second) == 3
    assert f"{PAGE_SIZE + 3} applications, page 1 of 2" in first
    assert (
        'rel="next" href="/dashboard/applications?q=person&amp;state=active&amp;page=2"'
        in first
    )


def test_a_page_past_the_last_shows_the_last(db, client, smtp, post_event, run_jobs):
    add_applications(db, post_event, run_jobs, 0, 3)
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    assert len(found(client, "?page=99")) == 3


@pytest.mark.parametrize(
    ("query", "field", "why"),
    [
        ("page=0", "page", "Use 1 to 100000."),
        ("page=-3", "page", "Use 1 to 100000."),
        ("page=two", "page", "Not a valid integer value."),
        ("page=100001", "page", "Use 1 to 100000."),
        ("state=lost", "state", "Not a valid choice."),
        ("q=" + "x" * 101, "q", "Use at most 100 characters."),
        ("q=a%00b", "q", "Use letters, digits and punctuation only."),
        ("q=%1B[31m", "q", "Use letters, digits and punctuation only."),
        ("recruiter=1", "recruiter", "Only admins can filter by recruiter."),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(
    db, client, smtp, post_event, run_jobs, query, field, why
):
    post_event(interview_event())
    run_jobs()
    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    answer = client.get(f"/dashboard/applications?{query}")

    assert answer.status_code == 400
    assert answer.mimetype == "text/html"
    assert f"<strong>{field}</strong>: {html.escape(why)}" in answer.text
    assert "Dana Okafor" not in answer.text


def _query(**values: str) -> str:
    from urllib.parse import urlencode

    return urlencode(values)
