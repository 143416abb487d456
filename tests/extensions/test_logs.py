"""Logging is set up by the app factory, so gunicorn workers log too."""

from __future__ import annotations

import json
import logging
from importlib.metadata import version

import pytest
from click.testing import CliRunner

from plugin import create_app
from plugin.cli import main
from plugin.config import ConfigError
from plugin.extensions.logs import JsonLines


def our_handler() -> logging.Handler:
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "followup", 0)]
    return handler


def test_factory_installs_one_handler_however_many_apps(settings):
    create_app(settings)
    create_app(settings)

    assert our_handler() is not None
    assert logging.getLogger().getEffectiveLevel() <= logging.INFO


def test_json_lines_for_log_shippers(settings):
    create_app({**settings, "LOG_FORMAT": "json"})
    record = logging.LogRecord("plugin.x", logging.INFO, "f", 1, "event %s", (7,), None)

    line = json.loads(our_handler().format(record))

    assert isinstance(our_handler().formatter, JsonLines)
    assert line["level"] == "INFO" and line["logger"] == "plugin.x"
    assert line["message"] == "event 7"


def test_an_unknown_log_format_stops_the_start(settings):
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        create_app({**settings, "LOG_FORMAT": "xml"})


def test_version_is_this_products():
    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    assert result.output.strip() == f"followup, version {version('followup-coach')}"


@pytest.fixture(autouse=True)
def _text_again(settings):
    yield
    create_app({**settings, "LOG_FORMAT": "text"})
