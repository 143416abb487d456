"""The `followup users` commands: admins, API tokens, chat hooks."""

from __future__ import annotations

import json

from plugin.operations.accounts import find_user
from tests.support.events import interview_event


def test_users_create_admin_then_a_token_that_the_api_accepts(app, runner, client):
    made = runner.invoke(args=["users", "create-admin", "Boss@Staffing.example"])
    token = runner.invoke(args=["users", "create-token", "boss@staffing.example"])

    answer = client.get(
        "/api/applications", headers={"Authorization": f"Bearer {token.output.strip()}"}
    )

    assert made.exit_code == 0 and "boss@staffing.example is an admin" in made.output
    assert answer.status_code == 200 and answer.get_json() == {"applications": []}


def test_users_set_chat_refuses_a_host_off_the_allow_list(app, runner):
    result = runner.invoke(
        args=["users", "set-chat", "sam@staffing.example", "https://evil.example/hook"]
    )

    assert result.exit_code == 2
    assert "alerts.chat_allowed_hosts" in result.output


# --- Operator commands: list, disable, enable, revoke-token ---------------------

SAM = "sam@staffing.example"


def api_status(client, token: str) -> tuple[int, dict]:
    answer = client.get(
        "/api/applications", headers={"Authorization": f"Bearer {token}"}
    )
    return answer.status_code, answer.get_json()


def new_token(runner, email: str = SAM, label: str | None = None) -> str:
    args = ["users", "create-token", email] + (["--label", label] if label else [])
    return runner.invoke(args=args).output.strip()


def test_users_list_shows_each_user_once_with_role_and_state(app, runner):
    runner.invoke(args=["users", "create-admin", "boss@staffing.example"])
    runner.invoke(args=["users", "create", SAM])
    runner.invoke(args=["users", "disable", SAM])

    lines = runner.invoke(args=["users", "list"]).output.splitlines()

    assert len(lines) == 2
    assert lines[0].split()[:3] == ["boss@staffing.example", "admin", "active"]
    assert lines[1].split()[:3] == [SAM, "recruiter", "disabled"]


def test_users_list_json_is_stable_and_holds_no_token_values(app, runner):
    runner.invoke(args=["users", "create", SAM])
    token = new_token(runner, label="ats sync")

    first = runner.invoke(args=["users", "list", "--json"])
    second = runner.invoke(args=["users", "list", "--json"])

    assert first.exit_code == 0 and first.output == second.output
    (user,) = json.loads(first.output)
    assert user["email"] == SAM and user["role"] == "recruiter"
    assert user["disabled"] is False and user["disabled_at"] is None
    assert [(t["label"], t["revoked_at"]) for t in user["api_tokens"]] == [
        ("ats sync", None)
    ]
    assert token not in first.output and token[4:12] not in first.output
    assert "hash" not in first.output


def test_unknown_email_is_one_line_and_a_failure(app, runner):
    for command in ("disable", "enable", "revoke-token"):
        result = runner.invoke(args=["users", command, "nobody@example.org"])

        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [
            f"Error: no user{' or recruiter' if command == 'disable' else ''} "
            "nobody@example.org"
        ]


def test_disable_refuses_the_api_token_and_enable_restores_it(app, runner, client):
    runner.invoke(args=["users", "create", SAM])
    token = new_token(runner)

    disabled = runner.invoke(args=["users", "disable", "Sam@Staffing.example"])
    refused = api_status(client, token)
    enabled = runner.invoke(args=["users", "enable", SAM])

    assert disabled.exit_code == 0 and f"{SAM} is disabled" in disabled.output
    assert refused[0] == 401 and refused[1]["error"] == "user_disabled"
    assert refused[1]["fields"] == {"Authorization": ["The token's user is disabled."]}
    assert enabled.exit_code == 0 and api_status(client, token)[0] == 200


def test_disable_and_enable_twice_say_so_and_succeed(app, runner):
    runner.invoke(args=["users", "create", SAM])
    runner.invoke(args=["users", "disable", SAM])

    again = runner.invoke(args=["users", "disable", SAM])
    runner.invoke(args=["users", "enable", SAM])
    enable_again = runner.invoke(args=["users", "enable", SAM])

    assert again.exit_code == 0 and "already disabled" in again.output
    assert enable_again.exit_code == 0 and "was not disabled" in enable_again.output


def test_a_recruiter_known_only_from_events_can_be_disabled(
    app, db, runner, post_event, run_jobs
):
    post_event(interview_event())  # Sam is the recruiter; he never signed in
    run_jobs()

    result = runner.invoke(args=["users", "disable", SAM])

    assert result.exit_code == 0
    assert find_user(SAM).is_disabled


def test_revoke_token_revokes_only_the_newest(app, runner, client):
    runner.invoke(args=["users", "create", SAM])
    older, newer = new_token(runner, label="old"), new_token(runner, label="new")

    result = runner.invoke(args=["users", "revoke-token", SAM])

    assert result.exit_code == 0 and "(new)" in result.output
    assert api_status(client, newer)[0] == 401
    assert api_status(client, older)[0] == 200


def test_revoke_token_by_label(app, runner, client):
    runner.invoke(args=["users", "create", SAM])
    ci, laptop = new_token(runner, label="ci"), new_token(runner, label="laptop")

    result = runner.invoke(args=["users", "revoke-token", SAM, "--label", "ci"])
    missing = runner.invoke(args=["users", "revoke-token", SAM, "--label", "ci"])

    assert result.exit_code == 0
    assert api_status(client, ci)[0] == 401 and api_status(client, laptop)[0] == 200
    assert missing.exit_code == 1
    assert missing.output.strip() == f"Error: {SAM} has no live API token labelled 'ci'"


def test_revoke_token_all_ends_tokens_for_good(app, runner, client):
    runner.invoke(args=["users", "create", SAM])
    tokens = [new_token(runner), new_token(runner)]

    result = runner.invoke(args=["users", "revoke-token", SAM, "--all"])
    runner.invoke(args=["users", "disable", SAM])
    runner.invoke(args=["users", "enable", SAM])

    assert result.exit_code == 0 and "2 API token(s)" in result.output
    assert [api_status(client, t)[0] for t in tokens] == [401, 401]
    assert api_status(client, tokens[0])[1]["error"] == "unauthorized"


def sam_recruiter(db):
    from plugin.models import Recruiter

    recruiter = Recruiter(email="sam@staffing.example", name="Sam Rivera")
    db.session.add(recruiter)
    db.session.commit()
    return recruiter


def test_users_set_digest_switches_a_recruiter_to_weekly_and_back(db, runner):
    recruiter = sam_recruiter(db)

    weekly = runner.invoke(
        args=["users", "set-digest", "Sam@Staffing.example", "weekly"]
    )
    db.session.expire_all()
    stored = recruiter.digest_frequency
    daily = runner.invoke(args=["users", "set-digest", "sam@staffing.example", "daily"])
    db.session.expire_all()

    assert weekly.exit_code == 0, weekly.output
    assert weekly.output == "sam@staffing.example now gets a weekly digest.\n"
    assert stored == "weekly"
    assert daily.exit_code == 0 and recruiter.digest_frequency == "daily"


def test_users_set_digest_refuses_an_unknown_email_in_one_line(db, runner):
    sam_recruiter(db)

    result = runner.invoke(
        args=["users", "set-digest", "kim@staffing.example", "daily"]
    )

    assert result.exit_code != 0
    assert result.output == "Error: no recruiter with the email kim@staffing.example\n"


def test_users_set_digest_refuses_a_bad_value_and_changes_nothing(db, runner):
    recruiter = sam_recruiter(db)

    result = runner.invoke(
        args=["users", "set-digest", "sam@staffing.example", "hourly"]
    )
    db.session.expire_all()

    assert result.exit_code != 0
    assert result.output == "Error: FREQUENCY must be daily or weekly, not 'hourly'\n"
    assert recruiter.digest_frequency == "daily"
