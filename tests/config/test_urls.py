"""A malformed URL setting stops the service at start, with the setting's name."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from plugin import create_app
from plugin.cli import main
from plugin.config import ConfigError

BAD_URLS = [
    ("SMTP_URL", "mail.example.com:25", "must look like smtp://host:port"),
    ("SMTP_URL", "smtp://", "no host"),
    ("SMTP_URL", "smtp://mail.example.com:2525x", "port"),
    ("SMTP_URL", "smtp://mail.example.com:70000", "port"),
    ("SMTP_URL", "smtp://mail example.com:25", "spaces"),
    ("SMTP_URL", "http://mail.example.com", "must look like smtp://host:port"),
    ("REDIS_URL", "localhost:6379", "must look like redis://"),
    ("REDIS_URL", "redis://:6379/0", "no host"),
    ("REDIS_URL", "redis://cache:port/0", "port"),
    ("REDIS_URL", "redis://cache:6379/zero", "database 'zero'"),
    ("REDIS_URL", "unix://", "socket path"),
    ("BASE_URL", "coach.example.com", "must look like https://"),
    ("BASE_URL", "https://", "no host"),
    ("BASE_URL", "https://coach.example.com:0", "port 0"),
    ("BASE_URL", "https://coach.example.com/?a=1", "query"),
    ("DATABASE_URL", "db.example.com/followup", "not a database URL"),
    ("DATABASE_URL", "postgresql://db:fivefour/followup", "not a database URL"),
    ("DATABASE_URL", "postgresql://db:99999/followup", "port 99999"),
    ("DATABASE_URL", "postgresql://db.example.com", "names no database"),
    ("DATABASE_URL", "mysql://db.example.com/followup", "'mysql'"),
    ("DATABASE_URL", "postgresql://u:p@db/follow\nup", "control characters"),
]


@pytest.mark.parametrize(("name", "value", "why"), BAD_URLS)
def test_malformed_url_refuses_to_start_naming_the_setting(settings, name, value, why):
    settings[name] = value

    with pytest.raises(ConfigError) as refused:
        create_app(settings)

    message = str(refused.value)
    assert message.startswith(f"{name} ")
    assert why in message
    assert "\n" not in message


def test_the_refusal_never_quotes_a_password(settings):
    settings["SMTP_URL"] = "smtp://coach:hunter2@mail.example.com:notaport"

    with pytest.raises(ConfigError) as refused:
        create_app(settings)

    assert "SMTP_URL" in str(refused.value)
    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SMTP_URL", "smtp://mail.example.com"),
        ("SMTP_URL", "smtp+starttls://coach:p%40ss@mail.example.com:587"),
        ("SMTP_URL", "smtps://mail.example.com:465/"),
        ("REDIS_URL", "redis://cache"),
        ("REDIS_URL", "rediss://:secret@cache.example.com:6380/2"),
        ("REDIS_URL", "unix:///run/redis/redis.sock"),
        ("BASE_URL", "https://coach.example.com/followup/"),
        ("BASE_URL", "http://127.0.0.1:5000"),
        ("DATABASE_URL", "postgres://u@db:5432/followup"),
    ],
)
def test_well_formed_urls_are_accepted(settings, name, value):
    settings[name] = value

    assert create_app(settings).config["SECRET_KEY"]


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "7200"])
def test_redis_timeout_must_be_a_sensible_number_of_seconds(settings, value):
    settings["REDIS_TIMEOUT"] = value

    with pytest.raises(ConfigError, match="REDIS_TIMEOUT"):
        create_app(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SMTP_URL", "smtp//mail.example.com"),
        ("REDIS_URL", "redis://cache:636379/0"),
        ("BASE_URL", "coach.example.com"),
        ("DATABASE_URL", "postgresql//db/followup"),
    ],
)
@pytest.mark.parametrize("command", [["worker"], ["tick"], ["run"]])
def test_the_cli_refuses_to_start_with_one_line_naming_the_setting(
    settings, name, value, command
):
    env = {k: str(v) for k, v in settings.items()} | {name: value}

    result = CliRunner().invoke(main, command, env=env)

    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(f"Error: cannot start: {name} ")
