"""Recruiter alerts: a competing offer reaches every recruiter involved, at once."""

from __future__ import annotations

import json
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme
from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import Alert, AlertStatus, Application
from plugin.operations import actions
from tests.support.events import interview_event
from tests.support.ports import free_port
from tests.support.smtp import text_part

DEC_2 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def report_offer(db, post_event, run_jobs, application_id="a-5521"):
    application = db.session.scalars(
        select(Application).filter_by(external_id=application_id)
    ).one()
    actions.report_competing_offer(
        application, "Birch & Co", DEC_2.date() + timedelta(days=5), "Good pay"
    )
    run_jobs()


def dana_also_at_cedar_labs_with_kim(post_event, run_jobs) -> None:
    """The example application (Sam's), and a second one of Dana's, Kim's."""
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.application.id": "a-other",
                "data.interview.id": "i-other",
                "data.application.employer.name": "Cedar Labs",
                "data.application.recruiter": {
                    "name": "Kim Lee",
                    "email": "kim@staffing.example",
                },
            }
        )
    )
    run_jobs()


def test_alert_arrives_within_seconds_of_the_report(db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()

    with clock.frozen_at(DEC_2):
        started = time.monotonic()
        report_offer(db, post_event, run_jobs)
        elapsed = time.monotonic() - started

    (alert,) = smtp.recruiter_messages
    assert elapsed < 5
    assert str(alert["Subject"]).strip() == (
        "Competing offer: Dana Okafor must answer Birch & Co by Mon 07 Dec (5 days)"
    )
    body = text_part(alert)
    assert "Role: Payroll Specialist at Acme Logistics" in body
    assert "Cadence: next, the thank-you coaching on Tue 01 Dec 16:00 CST" in body
    assert (
        "Suggested action: ask Acme Logistics for a decision before Mon 07 Dec" in body
    )
    assert "/dashboard/applications/" in body


def test_recruiters_of_the_candidates_other_open_applications_hear_too(
    db, smtp, post_event, run_jobs
):
    dana_also_at_cedar_labs_with_kim(post_event, run_jobs)

    with clock.frozen_at(DEC_2):
        report_offer(db, post_event, run_jobs)

    recipients = sorted(str(m["To"]) for m in smtp.recruiter_messages)
    assert recipients == [
        "Kim Lee <kim@staffing.example>",
        "Sam Rivera <sam@staffing.example>",
    ]


def test_the_same_offer_reported_on_a_second_application_is_told_once(
    db, smtp, post_event, run_jobs
):
    dana_also_at_cedar_labs_with_kim(post_event, run_jobs)

    with clock.frozen_at(DEC_2):
        report_offer(db, post_event, run_jobs)
        told = len(smtp.messages)
        report_offer(db, post_event, run_jobs, application_id="a-other")

    # Both recruiters heard, and the candidate had the guidance, the first time.
    assert len(smtp.messages) == told
    assert len(db.session.scalars(select(Alert)).all()) == 2
    offers_on = sorted(
        db.session.scalars(
            select(Application.external_id).join(Application.competing_offers)
        )
    )
    assert offers_on == ["a-5521", "a-other"]


def test_an_alert_lost_with_redis_is_sent_by_the_next_tick(
    db, smtp, redis, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DEC_2):
        application = db.session.scalars(select(Application)).one()
        actions.report_competing_offer(application, None, DEC_2.date(), None)
    redis.flushdb()

    with clock.frozen_at(DEC_2 + timedelta(minutes=6)):
        assert run_tick().alerts_queued == 1
        run_jobs()

    assert len(smtp.recruiter_messages) >= 1
    assert "Competing offer: Dana Okafor must answer by" in str(
        smtp.recruiter_messages[0]["Subject"]
    )


def test_a_rerun_alert_job_sends_nothing_more(db, smtp, post_event, run_jobs):
    from plugin.jobs.alerts import deliver_alert

    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DEC_2):
        report_offer(db, post_event, run_jobs)
        deliver_alert(db.session.scalar(select(Alert.id)))

    assert len(smtp.recruiter_messages) == 1


def test_heard_back_with_an_offer_is_urgent_other_news_waits(
    db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    application = db.session.scalars(select(Application)).one()
    with clock.frozen_at(DEC_2):
        actions.report_heard_back(application, "rejected")
        run_jobs()

    alert = db.session.scalars(select(Alert)).one()
    assert (alert.urgent, alert.status) == (False, AlertStatus.FOR_DIGEST)
    assert smtp.recruiter_messages == []


# --- Chat ---------------------------------------------------------------------


class ChatHook(BaseHTTPRequestHandler):
    """A Slack-style incoming webhook: records posts, answers as told."""

    received: list[dict] = []
    status = 200
    redirect_to: str | None = None

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        ChatHook.received.append(json.loads(self.rfile.read(length)))
        if ChatHook.redirect_to:
            self.send_response(302)
            self.send_header("Location", ChatHook.redirect_to)
        else:
            self.send_response(ChatHook.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_hook(tmp_path, monkeypatch, settings):
    """A real HTTPS server on loopback, trusted through SSL_CERT_FILE."""
    authority = trustme.CA()
    certificate = authority.issue_cert("localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    ChatHook.received, ChatHook.status, ChatHook.redirect_to = [], 200, None
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), ChatHook)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    policy = tmp_path / "chat.toml"
    policy.write_text(
        '[firm]\npostal_address = "1 Way"\n[alerts]\n'
        f'chat_webhook_url = "https://localhost:{port}/hook"\n'
        'chat_allowed_hosts = ["localhost"]\n'
    )
    settings["POLICY_FILE"] = str(policy)
    yield ChatHook
    server.shutdown()


def test_alert_goes_to_the_chat_webhook_too(chat_hook, db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DEC_2):
        report_offer(db, post_event, run_jobs)

    (post,) = chat_hook.received
    assert post["text"].startswith(
        "Competing offer: Dana Okafor must answer Birch & Co"
    )
    assert db.session.scalars(select(Alert)).one().chat_status == "sent"


@pytest.mark.parametrize(
    ("status", "redirect"), [(500, None), (200, "https://example.org/")]
)
def test_a_failing_chat_endpoint_never_blocks_the_email(
    chat_hook, db, smtp, post_event, run_jobs, status, redirect
):
    chat_hook.status, chat_hook.redirect_to = status, redirect
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(DEC_2):
        report_offer(db, post_event, run_jobs)

    assert len(smtp.recruiter_messages) == 1
    db.session.expire_all()
    alert = db.session.scalars(select(Alert)).one()
    assert alert.status == AlertStatus.SENT
    assert alert.chat_status.startswith("failed: HTTP")


def test_chat_urls_off_the_allow_list_are_refused():
    from plugin.mail.chat import post_to_chat

    assert post_to_chat(
        "http://hooks.slack.com/x", "hi", ("hooks.slack.com",)
    ).startswith("refused")
    assert post_to_chat(
        "https://evil.example/x", "hi", ("hooks.slack.com",)
    ).startswith("refused")
