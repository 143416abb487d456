"""Settings from env vars: parsed once, bad values refused with a clear message."""

from __future__ import annotations

import pytest

from plugin import create_app
from plugin.config import ConfigError, load_config


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
