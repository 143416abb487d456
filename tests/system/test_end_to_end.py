"""One signed interview event becomes exactly one thank-you email, over real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import EmailStatus, OutboundEmail, Touchpoint, TouchpointStatus
from tests.support.events import interview_event
from tests.support.signing import SignedPost
from tests.support.smtp import html_part, text_part

ROUND_ENDS = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)  # 15:00 in Chicago
THANK_YOU_DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # one hour later


def test_signed_event_becomes_one_thank_you_email(app, db, smtp, post_event, run_jobs):
    event = interview_event(
        **{
            "data.interview.interviewers": [
                {"name": "Lee Park", "title": "Payroll Manager"},
                {"name": "Amara Nwosu", "title": "HR Business Partner"},
            ]
        }
    )
    first = post_event(event, msg_id="msg_e2e_1")
    again = post_event(event, msg_id="msg_e2e_1")
    run_jobs()

    assert first.status_code == 202
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    for instant in (ROUND_ENDS, THANK_YOU_DUE, THANK_YOU_DUE):
        with clock.frozen_at(instant):
            run_tick()
            run_jobs()

    assert len(smtp.candidate_messages) == 1
    message = smtp.candidate_messages[0]
    assert ["dana@example.org"] in [e.rcpt_tos for e in smtp.envelopes]
    assert (
        message["Subject"] == "Your Acme Logistics interview: thank-you notes to send"
    )
    assert message["Reply-To"] == "Sam Rivera <sam@staffing.example>"
    for body in (text_part(message), html_part(message)):
        assert "Dear Lee," in body and "Hi Amara," in body
        assert "Payroll Manager" in body and "HR Business Partner" in body
        assert "Payroll Specialist role at Acme Logistics" in body
        assert "12 Harbour Road, Portland, ME 04101" in body
        assert "{{" not in body and "None" not in body


def test_email_row_records_the_sent_message(app, db, smtp, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(THANK_YOU_DUE):
        run_tick()
        run_jobs()

    email = db.session.scalars(select(OutboundEmail)).one()
    assert email.status == EmailStatus.SENT
    # A long Message-ID may be folded onto its own line (RFC 5322 allows the
    # whitespace), which the received header keeps in front of the id.
    assert email.message_id == smtp.candidate_messages[0]["Message-ID"].strip()
    assert email.sent_at == THANK_YOU_DUE
    assert (
        db.session.get(Touchpoint, email.touchpoint_id).status == TouchpointStatus.SENT
    )


def test_nothing_is_sent_before_the_thank_you_is_due(
    app, db, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(ROUND_ENDS):
        run_tick()
        run_jobs()

    assert smtp.candidate_messages == []
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 0


def test_inline_mode_sends_from_the_tick_without_redis(inline_app, smtp):
    with inline_app.app_context():
        response = SignedPost(inline_app.test_client())(interview_event())
        with clock.frozen_at(THANK_YOU_DUE):
            report = run_tick()

    assert response.status_code == 202
    assert report.touchpoints_claimed == 1
    assert len(smtp.candidate_messages) == 1


def test_logs_never_carry_candidate_email_or_name(
    app, smtp, post_event, run_jobs, caplog
):
    caplog.set_level("DEBUG")
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(THANK_YOU_DUE):
        run_tick()
        run_jobs()

    assert len(smtp.candidate_messages) == 1
    # Everything but the test SMTP server's own log (it prints envelopes).
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.name != "mail.log"
    )
    for secret in ("dana@example.org", "Okafor", "Dear Lee,", "whsec_"):
        assert secret not in logged
