"""Configuration: env vars parsed once, bad settings refused with a clear message."""

from __future__ import annotations

import pytest

from plugin import create_app
from plugin.config import ConfigError, load_config
from plugin.config.policy import PolicyError
from plugin.config.policy_file import load_policy


def test_embedded_default_keeps_one_secret_key_across_starts(tmp_path):
    first = load_config({"DATA_DIR": str(tmp_path)})
    second = load_config({"DATA_DIR": str(tmp_path)})

    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["STANDARD_WEBHOOK_SECRETS"] == second["STANDARD_WEBHOOK_SECRETS"]
    assert first["SQLALCHEMY_DATABASE_URI"].endswith(str(tmp_path / "followup.sqlite3"))
    assert first["MAIL_DIR"] == tmp_path / "mail"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(
            {
                "DATABASE_URL": "postgresql://db/followup",
                "DATA_DIR": str(tmp_path),
                "MAIL_FROM": "coach@firm.example",
            }
        )


def test_production_needs_the_firms_postal_address(tmp_path):
    with pytest.raises(ConfigError, match="firm.postal_address"):
        load_config(
            {
                "DATABASE_URL": "postgresql://db/followup",
                "SECRET_KEY": "k",
                "MAIL_FROM": "coach@firm.example",
                "DATA_DIR": str(tmp_path),
            }
        )


def test_postgres_urls_use_psycopg(tmp_path, settings):
    settings["DATABASE_URL"] = "postgres://u@db:5432/followup"

    assert load_config(settings)["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@db:5432/followup"
    )


@pytest.mark.parametrize("value", ["soon", "-1", "1.5"])
def test_tick_interval_must_be_a_whole_number(settings, value):
    settings["TICK_INTERVAL"] = value

    with pytest.raises(ConfigError, match="TICK_INTERVAL"):
        create_app(settings)


def test_webhook_secret_must_be_base64(settings):
    settings["STANDARD_WEBHOOK_SECRET"] = "whsec_not*base64"

    with pytest.raises(ConfigError, match="STANDARD_WEBHOOK_SECRET"):
        create_app(settings)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[firm]\nnmae = 'typo'\n", "firm.nmae"),
        ("[thank_you]\ndelay_minutes = 'soon'\n", "thank_you.delay_minutes"),
        ("[thank_you]\ndelay_minutes = true\n", "thank_you.delay_minutes"),
        ("[thank_you]\ndelay_minutes = -5\n", "thank_you.delay_minutes"),
        ("[quiet_hours]\nstart = '9pm'\n", "quiet_hours.start"),
        ("[firm]\ntimezone = 'Mars/Base'\n", "firm.timezone"),
        ("firm = 3\n", "firm"),
        ("[surprise]\n", "surprise"),
        ("[routing]\nmode = 'carrier pigeon'\n", "routing.mode"),
        ("[check_in]\ndays_after_deadline = 2\n", "check_in.days_after_deadline"),
        ("[business_days]\nweekdays = [0, 1]\n", "business_days.weekdays"),
        ("[business_days]\nweekdays = []\n", "business_days.weekdays"),
        ("[business_days]\nholidays = ['Christmas']\n", "business_days.holidays[0]"),
        ("[business_days]\nholidays = '2026-12-25'\n", "business_days.holidays"),
        ("[handwritten_note]\nenabled = 'yes'\n", "handwritten_note.enabled"),
        ("[retention]\ndays = 0\n", "retention.days"),
    ],
)
def test_invalid_policy_names_the_bad_key(tmp_path, toml, key):
    path = tmp_path / "policy.toml"
    path.write_text(toml)

    with pytest.raises(PolicyError) as error:
        load_policy(path)

    assert str(error.value).startswith(key)


def test_policy_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("this is = = not toml")

    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)


def test_every_section_of_the_example_policy_loads():
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "policy.example.toml"

    policy = load_policy(example)

    assert policy.firm.postal_address
    assert policy.business_days.holidays


def test_policy_values_override_defaults(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[thank_you]\ndelay_minutes = 90\n[quiet_hours]\nstart = '22:30'\n")

    policy = load_policy(path)

    assert policy.thank_you.delay_minutes == 90
    assert policy.quiet_hours.start.isoformat() == "22:30:00"
    assert policy.quiet_hours.end.isoformat() == "08:00:00"
