"""A `followup worker` process SIGKILLed mid-batch: after a restart and the tick's
recovery, every email went out once or is visibly "unknown", none twice."""

from __future__ import annotations

from .harness import wait_until
from .invariants import assert_recovered, email_states
from .ledger import record
from .mailservers import MuteMailServer
from .scenario import (
    FAULT_MARKS,
    emails_due,
    recover_with_worker,
)

pytestmark = FAULT_MARKS


def test_worker_sigkilled_mid_batch_sends_nothing_twice(
    fault_app, mail, private_redis, start_worker
):
    first = start_worker()
    mail.mailbox.data_delay = 0.3  # a slow server, so the batch is still going
    addresses = emails_due(fault_app, private_redis.url, 5)
    wait_until(lambda: mail.mailbox.received.total() >= 2, 30, "two emails")

    first.kill()
    killed_after = mail.mailbox.received.total()
    mail.mailbox.behave()
    start_worker()
    last = recover_with_worker(private_redis.url)

    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=1)
    assert tally.statuses["unknown"] <= 1  # at most the one in flight
    assert tally.statuses["sent"] + tally.statuses["unknown"] == len(addresses)
    tally.notes.append(f"killed after {killed_after} email(s) reached the server")
    record("worker SIGKILLed mid-batch", tally)


def run_killed_while_the_server_never_greets(mail, private_redis, start_worker, app):
    """Kill a worker stuck waiting for a greeting; a new one sends to a good server."""
    mute = MuteMailServer()
    try:
        first = start_worker(SMTP_URL=mute.url)
        addresses = emails_due(app, private_redis.url, 2)
        wait_until(lambda: mute.connections, 30, "the worker to dial the mute server")
        first.kill()
    finally:
        mute.close()
    start_worker()  # SMTP_URL: the healthy server
    last = recover_with_worker(private_redis.url)
    return addresses, last


def test_worker_killed_before_data_sends_nothing_twice(
    fault_app, mail, private_redis, start_worker
):
    addresses, last = run_killed_while_the_server_never_greets(
        mail, private_redis, start_worker, fault_app
    )

    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=1)
    record("worker SIGKILLed before DATA (silent server)", tally)


def test_worker_killed_before_data_leaves_the_email_retryable(
    fault_app, mail, private_redis, start_worker
):
    addresses, _ = run_killed_while_the_server_never_greets(
        mail, private_redis, start_worker, fault_app
    )

    # Nothing reached the server before DATA: no email may be left "unknown".
    assert email_states() == {address: "sent" for address in addresses}
