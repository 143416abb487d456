"""The SMTP transport on a real server: when the claim runs, what each answer means."""

from __future__ import annotations

import time
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from plugin.mail.transport import (
    RecipientRefusedError,
    RejectedDeliveryError,
    RetryableDeliveryError,
    SenderRefusedError,
    UnknownOutcomeError,
    UnsupportedAddressError,
    mail_job_timeout,
    send_message,
)
from tests.support.smtp_servers import ScriptedSmtp, SilentServer, start_smtp


def message(to: str = "dana@example.org") -> EmailMessage:
    built = EmailMessage()
    built["From"] = Address("Coach", "coach", "northwind.example")
    local, _, domain = to.rpartition("@")
    built["To"] = Address("Dana Okafor", local, domain)
    built["Subject"] = "Hello"
    built["Message-ID"] = "<t.1@northwind.example>"
    built.set_content("Hello Dana")
    return built


class ClaimSpy:
    """A claim that records what the server had seen when it ran."""

    def __init__(self, server: ScriptedSmtp, answer: bool = True) -> None:
        self.server, self.answer, self.seen = server, answer, None

    def __call__(self) -> bool:
        self.seen = list(self.server.log)
        return self.answer


def test_claim_runs_after_rcpt_and_before_data():
    server = ScriptedSmtp()
    claim = ClaimSpy(server)
    with start_smtp(server) as url:
        assert send_message(message(), url, None, claim=claim, timeout=5) is True

    assert claim.seen == ["MAIL", "RCPT"]
    assert server.log == ["MAIL", "RCPT", "DATA"]
    assert len(server.messages) == 1


def test_a_claim_taken_elsewhere_sends_nothing():
    server = ScriptedSmtp()
    with start_smtp(server) as url:
        sent = send_message(
            message(), url, None, claim=ClaimSpy(server, False), timeout=5
        )

    assert sent is False
    assert "DATA" not in server.log and server.messages == []


def test_4xx_at_rcpt_is_retryable_and_claims_nothing():
    server = ScriptedSmtp(rcpt_replies=["451 4.3.0 try again later"])
    claim = ClaimSpy(server)
    with start_smtp(server) as url, pytest.raises(RetryableDeliveryError):
        send_message(message(), url, None, claim=claim, timeout=5)

    assert claim.seen is None


def test_5xx_at_rcpt_is_a_bounce_with_the_reply_and_no_address():
    server = ScriptedSmtp(
        rcpt_replies=["550 5.1.1 <dana@example.org>: Recipient address rejected"]
    )
    claim = ClaimSpy(server)
    with start_smtp(server) as url, pytest.raises(RecipientRefusedError) as refused:
        send_message(message(), url, None, claim=claim, timeout=5)

    assert str(refused.value) == "550 5.1.1 <<address>>: Recipient address rejected"
    assert claim.seen is None


def test_5xx_at_mail_from_is_a_configuration_error():
    server = ScriptedSmtp(mail_replies=["553 5.7.1 sender not allowed to relay"])
    claim = ClaimSpy(server)
    with start_smtp(server) as url, pytest.raises(SenderRefusedError) as refused:
        send_message(message(), url, None, claim=claim, timeout=5)

    assert "553" in str(refused.value)
    assert claim.seen is None and "RCPT" not in server.log


def test_4xx_after_the_content_is_retryable():
    server = ScriptedSmtp(data_replies=["451 4.3.0 queue full"])
    with start_smtp(server) as url, pytest.raises(RetryableDeliveryError):
        send_message(message(), url, None, claim=ClaimSpy(server), timeout=5)


def test_5xx_after_the_content_is_final():
    server = ScriptedSmtp(data_replies=["554 5.7.1 message refused"])
    with start_smtp(server) as url, pytest.raises(RejectedDeliveryError):
        send_message(message(), url, None, claim=ClaimSpy(server), timeout=5)


def test_silence_after_the_content_is_unknown():
    server = ScriptedSmtp(hang_after_data=True)
    claim = ClaimSpy(server)
    started = time.monotonic()
    with start_smtp(server) as url, pytest.raises(UnknownOutcomeError):
        send_message(message(), url, None, claim=claim, timeout=0.5)

    assert claim.seen == ["MAIL", "RCPT"]
    assert time.monotonic() - started < 5


def test_a_server_that_never_greets_is_retryable_within_the_timeout():
    claimed = []
    started = time.monotonic()
    with SilentServer() as silent, pytest.raises(RetryableDeliveryError):
        send_message(
            message(),
            silent.url,
            None,
            claim=lambda: claimed.append(1) or True,
            timeout=0.5,
        )

    assert claimed == []
    assert time.monotonic() - started < 3


def test_international_address_is_refused_cleanly_without_smtputf8():
    server = ScriptedSmtp()
    claim = ClaimSpy(server)
    with start_smtp(server, smtputf8=False) as url:
        with pytest.raises(UnsupportedAddressError):
            send_message(message("dänä@example.org"), url, None, claim=claim, timeout=5)

    assert claim.seen is None and server.log == []


def test_international_address_goes_out_with_smtputf8():
    server = ScriptedSmtp()
    with start_smtp(server, smtputf8=True) as url:
        send_message(message("dänä@example.org"), url, None, timeout=5)

    (envelope,) = server.envelopes
    assert envelope.rcpt_tos == ["dänä@example.org"]
    assert "SMTPUTF8" in envelope.mail_options
    assert "dänä@example.org" in str(server.messages[0]["To"])


def test_job_timeout_covers_every_email_the_job_holds():
    # 20 emails, 30 s per SMTP reply: seven waits each at worst, plus a margin.
    assert mail_job_timeout(20, 30) == 20 * 7 * 30 + 60
    assert mail_job_timeout(1, 0.5) == 63
