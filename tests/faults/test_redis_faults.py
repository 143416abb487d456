"""Redis hung or killed: webhooks still answer at once, the worker rides it out,
and the tick finds in the database whatever Redis lost."""

from __future__ import annotations

import time

from plugin.extensions.queues import enqueue_client, use_redis

from .harness import SilentServer, wait_until
from .invariants import all_events_applied, assert_recovered
from .ledger import record
from .scenario import (
    DUE,
    FAULT_MARKS,
    Sender,
    candidate_address,
    candidate_event,
    drain,
    emails_due,
    recover,
    recover_with_worker,
    tick,
)

pytestmark = FAULT_MARKS


def timed_post(sender: Sender, n: int) -> float:
    started = time.monotonic()
    response = sender.post(candidate_event(n))
    elapsed = time.monotonic() - started
    assert response.status_code == 202, response.get_json()
    return elapsed


def test_webhooks_answer_fast_while_redis_hangs(fault_app, mail, private_redis):
    sender = Sender(fault_app)
    baseline = timed_post(sender, 0)  # Redis up; also warms the app up
    hung = SilentServer()  # accepts, never answers: a hung Redis
    timeout = fault_app.config["REDIS_TIMEOUT"]
    use_redis(fault_app, enqueue_client(f"redis://127.0.0.1:{hung.port}/0", timeout))
    try:
        timings = [timed_post(sender, n) for n in range(1, 4)]
        started = time.monotonic()
        health = fault_app.test_client().get("/healthz")
        health_time = time.monotonic() - started
    finally:
        hung.close()

    assert max(timings) < 1.0, timings
    assert health.status_code == 503
    assert "TimeoutError" in health.get_json()["checks"]["redis"]["detail"]
    assert health_time < 1.0
    use_redis(fault_app, enqueue_client(private_redis.url, timeout))
    tick(DUE)  # the sweep queues the events the webhooks could not
    drain(fault_app, private_redis.url)
    last = recover(fault_app, private_redis.url)

    addresses = [candidate_address(n) for n in range(4)]
    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=1)
    assert tally.delivered == 4
    tally.notes.append(
        f"webhook {baseline:.2f} s with Redis up, at most {max(timings):.2f} s hung"
    )
    record("redis hung during webhooks", tally)


def test_worker_rides_out_redis_killed_mid_job(
    fault_app, mail, private_redis, start_worker
):
    worker = start_worker()
    mail.mailbox.data_delay = 0.4  # a slow server: the batch takes a while
    emails_due(fault_app, private_redis.url, 3)
    wait_until(lambda: mail.mailbox.received.total(), 20, "the first email")

    mark = len(worker.log())
    private_redis.kill()  # mid-job: every queued job and RQ's records are gone
    wait_until(lambda: mail.mailbox.accepted.total() == 3, 20, "the batch to end")
    wait_until(lambda: worker.met_redis_outage(mark), 20, "the worker to meet it")
    time.sleep(0.5)  # RQ's own loop used to exit here
    assert worker.alive, worker.log()
    private_redis.start()

    # The same process picks up new work once Redis is back.
    assert Sender(fault_app).post(candidate_event(3)).status_code == 202
    wait_until(all_events_applied, 30, "the worker to apply the new event")
    last = recover_with_worker(private_redis.url)

    assert worker.alive, worker.log()
    addresses = [candidate_address(n) for n in range(4)]
    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=1)
    assert tally.delivered == 4
    record("redis killed mid-job", tally)


def test_worker_rides_out_a_hung_redis(fault_app, mail, private_redis, start_worker):
    worker = start_worker("--simple")
    mail.mailbox.data_delay = 0.3
    emails_due(fault_app, private_redis.url, 3)
    wait_until(lambda: mail.mailbox.received.total(), 20, "the first email")

    private_redis.freeze()
    try:
        sender = Sender(fault_app)
        timings = [timed_post(sender, n) for n in (3, 4)]
        time.sleep(1.0)
    finally:
        private_redis.thaw()
    last = recover_with_worker(private_redis.url)

    assert worker.alive, worker.log()
    assert max(timings) < 1.0, timings
    addresses = [candidate_address(n) for n in range(5)]
    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=1)
    assert tally.delivered == 5
    tally.notes.append(f"slowest webhook {max(timings):.2f} s with Redis frozen")
    record("redis frozen mid-job", tally)
