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
