"""A disabled user: no sign-in, no session, no API; admins see their work unassigned."""

from __future__ import annotations

import html

from flask import g

from plugin.operations.accounts import create_user
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.recruiter import login_link, sign_in

SAM, BOSS = "sam@staffing.example", "boss@staffing.example"


def operator(db, runner, *args: str):
    """Run `followup users ...` as an operator would, between two requests."""
    result = runner.invoke(args=["users", *args])
    # The test's app context outlives requests here; each real request starts anew.
    db.session.expire_all()
    g.pop("user", None)
    return result


def ask_for_link(client, email: str):
    page = client.get("/login")
    return client.post(
        "/login", data={"csrf_token": csrf_token(page.text), "email": email}
    )


def test_a_disabled_user_gets_the_neutral_answer_and_no_link(
    db, client, runner, smtp, run_jobs
):
    create_user(SAM)
    operator(db, runner, "disable", SAM)

    answer = ask_for_link(client, SAM)
    run_jobs()

    assert answer.status_code == 200 and "Check your email" in answer.text
    assert answer.text == ask_for_link(client, "stranger@example.org").text
    assert smtp.messages == []


def test_a_link_sent_before_disabling_no_longer_signs_in(
    db, client, runner, smtp, run_jobs
):
    create_user(SAM)
    ask_for_link(client, SAM)
    run_jobs()
    link = login_link(smtp, SAM)
    operator(db, runner, "disable", SAM)

    confirm = client.get(link)
    answer = client.post(link, data={"csrf_token": csrf_token(confirm.text)})

    assert answer.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_disabling_ends_a_session_at_its_next_request(
    db, client, runner, smtp, run_jobs
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    assert client.get("/dashboard").status_code == 200

    operator(db, runner, "disable", SAM)
    after_disable = client.get("/dashboard")
    operator(db, runner, "enable", SAM)
    after_enable = client.get("/dashboard")

    assert after_disable.status_code == 302
    assert after_disable.headers["Location"].startswith("/login")
    assert after_enable.status_code == 302  # enabling does not revive old sessions


def test_an_enabled_user_signs_in_again(db, client, runner, smtp, run_jobs):
    create_user(SAM)
    operator(db, runner, "disable", SAM)
    operator(db, runner, "enable", SAM)

    sign_in(client, smtp, SAM, run_jobs=run_jobs)

    assert client.get("/dashboard").status_code == 200


def test_revoking_everything_ends_the_session_and_unused_links(
    db, client, runner, smtp, run_jobs
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    ask_for_link(client, SAM)
    run_jobs()
    unused = login_link(smtp, SAM)

    result = operator(db, runner, "revoke-token", SAM, "--all")
    session_after = client.get("/dashboard")
    confirm = client.get(unused)
    spent = client.post(unused, data={"csrf_token": csrf_token(confirm.text)})

    assert "1 unused sign-in link(s)" in result.output
    assert session_after.status_code == 302 and spent.status_code == 400


def test_admins_see_a_disabled_recruiters_applications_as_unassigned(
    db, client, runner, smtp, post_event, run_jobs
):
    post_event(interview_event())  # Sam's
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.first_name": "Ravi",
                "data.application.id": "a-none",
                "data.interview.id": "i-none",
                "data.application.recruiter": None,
            }
        )
    )
    run_jobs()
    operator(db, runner, "disable", SAM)
    sign_in(client, smtp, BOSS, admin=True, run_jobs=run_jobs)

    page = html.unescape(client.get("/dashboard/applications").text)
    rows = client.get("/api/applications", headers={}).status_code

    assert f"Unassigned ({SAM} is disabled)" in page
    assert page.count("Unassigned") == 2
    assert rows == 401  # the API needs a token, never the session


def test_a_session_from_before_session_versions_keeps_working(
    db, client, runner, smtp, run_jobs
):
    sign_in(client, smtp, SAM, run_jobs=run_jobs)
    with client.session_transaction() as browser:
        del browser["session_version"]  # as signed in before this release
    g.pop("user", None)

    kept = client.get("/dashboard").status_code
    operator(db, runner, "revoke-token", SAM, "--all")

    assert kept == 200 and client.get("/dashboard").status_code == 302
