"""Logging is set up by the app factory, so gunicorn workers log too; a full run
logs ids only, in text and in JSON lines."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from importlib.metadata import version

import pytest
from click.testing import CliRunner

from plugin import clock, create_app
from plugin.cli import main
from plugin.config import ConfigError
from plugin.extensions.logs import JsonLines
from plugin.jobs.tick import run_tick
from tests.support.candidate import first_email, link_path
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.recruiter import sign_in


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


# What a full run must never log: names, addresses, bodies, tokens and secrets.
PERSONAL = (
    "Dana",
    "Okafor",
    "dana@example.org",
    "Lee Park",
    "lee@acme.example",
    "Sam Rivera",
    "sam@staffing.example",
    "Birch",
    "Good pay",
    "whsec_",
    "test-secret-key",
)
DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
# 07:30 in New York, the recruiter's zone: the morning digest's hour.
DIGEST_MORNING = datetime(2026, 12, 3, 12, 30, tzinfo=UTC)


@pytest.fixture
def log_lines(settings):
    """Everything our handler writes, in a buffer; the test SMTP server's log aside."""
    create_app(settings)  # installs the handler, if no app did yet
    handler = our_handler()
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    # aiosmtpd's own log prints envelopes: it is the test's mail server, not ours.
    def not_the_test_server(record: logging.LogRecord) -> bool:
        return record.name != "mail.log"

    handler.addFilter(not_the_test_server)
    yield buffer
    handler.removeFilter(not_the_test_server)
    handler.setStream(previous)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_full_run_logs_no_personal_data(
    log_format, settings, app, db, client, smtp, post_event, run_jobs, log_lines
):
    create_app({**settings, "LOG_FORMAT": log_format})  # the handler's format
    with clock.frozen_at(DEC_2):
        post_event(interview_event(), headers={"webhook-signature": "v1,forged"})
    tokens = _full_run(client, smtp, post_event, run_jobs)

    logged = log_lines.getvalue()
    lines = logged.splitlines()
    assert "webhook standard refused" in logged and "tick at" in logged
    if log_format == "json":
        loggers = {json.loads(line)["logger"] for line in lines}
        assert {"plugin.views.webhooks", "plugin.jobs.tick", "rq.worker"} <= loggers
    assert len(smtp.messages) >= 5  # thank-you, guidance, alert, digest, sign-in
    leaked = [word for word in (*PERSONAL, *tokens) if word in logged]
    assert leaked == []


def _full_run(client, smtp, post_event, run_jobs) -> list[str]:
    """Webhook, processing, tick, delivery, a report and its alert, the digest and a
    recruiter's sign-in; returns the tokens the links carried."""
    message = first_email(post_event, run_jobs, smtp)
    plan_path = link_path(message, "/plan/")
    with clock.frozen_at(DEC_2):
        page = client.get(plan_path).get_data(True)
        offer = {"employer": "Birch & Co", "offer_deadline": "2026-12-07"}
        client.post(
            f"{plan_path}/offer",
            data={"csrf_token": csrf_token(page), "note": "Good pay", **offer},
        )
        run_jobs()
    with clock.frozen_at(DIGEST_MORNING):
        run_tick()
        run_jobs()
    login_path = sign_in(client, smtp, "sam@staffing.example", run_jobs=run_jobs)
    assert client.get("/dashboard").status_code == 200
    subjects = [str(m["Subject"]) for m in smtp.messages]
    assert any("digest" in subject.lower() for subject in subjects), subjects
    return [plan_path.rsplit("/", 1)[-1], login_path.rsplit("/", 1)[-1], *subjects]


def test_request_lines_show_the_page_not_its_token(settings, log_lines):
    create_app({**settings, "LOG_FORMAT": "text"})
    token = "eyJhIjoxfQ.aZ3xQw.s1gn4tur3"
    # The development server's request line, as werkzeug logs it.
    for path in (f"/plan/{token}/offer", f"/unsubscribe/{token}", f"/login/{token}"):
        logging.getLogger("werkzeug").info(
            '%s - - [%s] "%s" %s -', "127.0.0.1", "28/Nov/2026", f"POST {path}", 303
        )

    logged = log_lines.getvalue()
    assert token not in logged
    assert '"POST /plan/[token]/offer" 303' in logged
    assert "/unsubscribe/[token]" in logged and "/login/[token]" in logged
