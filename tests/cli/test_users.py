"""The `followup users` commands: admins, API tokens, chat hooks."""

from __future__ import annotations


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
