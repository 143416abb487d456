"""Mail servers that refuse, hang or hang up: nothing twice, nothing stuck unseen.

The mail servers are real (aiosmtpd or a silent socket on loopback), the jobs run
in a real RQ worker on a private redis-server, and the database is PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugin import clock
from plugin.extensions import db
from plugin.models import Digest, OutboundEmail

from .invariants import assert_recovered, email_states
from .ledger import record
from .mailservers import MailServer, MuteMailServer, all_received
from .scenario import (
    DUE,
    FAULT_MARKS,
    drain,
    emails_due,
    recover,
)

pytestmark = FAULT_MARKS

CANDIDATES = 2


def first_try(app, redis_url: str) -> None:
    with clock.frozen_at(DUE):
        drain(app, redis_url)


def test_451_at_rcpt_is_retried_later_and_sent_once(fault_app, mail, private_redis):
    addresses = emails_due(fault_app, private_redis.url, CANDIDATES)
    mail.mailbox.rcpt_reply = "451 4.3.0 mailbox busy, try later"
    first_try(fault_app, private_redis.url)

    assert set(email_states().values()) == {"pending"}
    mail.mailbox.behave()
    last = recover(fault_app, private_redis.url)

    tally = assert_recovered(mail.mailbox.received, addresses, last, CANDIDATES)
    assert tally.delivered == CANDIDATES
    record("smtp 451 at RCPT", tally)


def test_550_at_rcpt_bounces_at_once_and_is_never_retried(
    fault_app, mail, private_redis
):
    addresses = emails_due(fault_app, private_redis.url, CANDIDATES)
    mail.mailbox.rcpt_reply = "550 5.1.1 no such mailbox here"
    first_try(fault_app, private_redis.url)
    last = recover(fault_app, private_redis.url)

    tally = record(
        "smtp 550 at RCPT",
        assert_recovered(mail.mailbox.received, addresses, last, CANDIDATES),
    )
    assert set(email_states().values()) == {"bounced"}
    # One refusal per candidate address: a bounce is never retried.
    assert {a: mail.mailbox.refused[a] for a in addresses} == dict.fromkeys(
        addresses, 1
    ), mail.mailbox.refused
    reasons = db.session.scalars(select(OutboundEmail.last_error)).all()
    assert all("5.1.1" in (reason or "") for reason in reasons)
    assert tally.delivered == 0


def test_550_at_mail_from_fails_as_a_configuration_error_without_retries(
    fault_app, mail, private_redis
):
    addresses = emails_due(fault_app, private_redis.url, CANDIDATES)
    mail.mailbox.mail_reply = "550 5.7.1 sender not allowed to relay"
    first_try(fault_app, private_redis.url)
    last = recover(fault_app, private_redis.url)

    record(
        "smtp 550 at MAIL FROM",
        assert_recovered(mail.mailbox.received, addresses, last, CANDIDATES),
    )
    assert set(email_states().values()) == {"failed"}
    # One refused MAIL FROM per message made (the emails, and the digest the same
    # tick made for their recruiter): a configuration error is never retried.
    refused_sends = sum(mail.mailbox.refused.values())
    digests = db.session.scalar(select(func.count(Digest.id)))
    assert refused_sends == CANDIDATES + digests, mail.mailbox.refused


def test_server_that_never_greets_leaves_emails_retryable_then_sent(
    fault_app, mail, private_redis
):
    mute = MuteMailServer()
    fault_app.config["SMTP_URL"] = mute.url
    addresses = emails_due(fault_app, private_redis.url, CANDIDATES)
    try:
        first_try(fault_app, private_redis.url)
    finally:
        mute.close()

    assert set(email_states().values()) == {"pending"}
    fault_app.config["SMTP_URL"] = mail.url  # the relay is back
    last = recover(fault_app, private_redis.url)

    tally = assert_recovered(mail.mailbox.received, addresses, last, CANDIDATES)
    assert tally.statuses == {"sent": CANDIDATES}
    record("smtp silent before greeting", tally)


@pytest.mark.parametrize("fault", ["hang_after_data", "drop_after_data"])
def test_no_answer_after_data_is_unknown_and_never_resent(
    fault_app, mail, private_redis, fault
):
    addresses = emails_due(fault_app, private_redis.url, CANDIDATES)
    setattr(mail.mailbox, fault, True)
    first_try(fault_app, private_redis.url)
    mail.mailbox.behave()
    spare = MailServer()  # were anything resent, it would land here or on `mail`
    fault_app.config["SMTP_URL"] = spare.url
    try:
        last = recover(fault_app, private_redis.url)
    finally:
        spare.close()

    received = all_received(mail, spare)
    tally = assert_recovered(received, addresses, last, CANDIDATES)
    assert tally.statuses == {"unknown": CANDIDATES}
    assert [received[address] for address in addresses] == [1] * CANDIDATES
    record(f"smtp {fault.replace('_', ' ')}", tally)
