"""Nothing stays pending, never tried and without an error, longer than one tick.

Every fault run checks this after recovery (`assert_recovered`); here the emails
are ones the old code could not even build, which it left pending in silence.
"""

from __future__ import annotations

from sqlalchemy import select

from plugin import clock
from plugin.extensions import db
from plugin.models import Candidate

from .invariants import assert_recovered
from .ledger import record
from .scenario import (
    DUE,
    FAULT_MARKS,
    Sender,
    candidate_event,
    drain,
    recover,
    tick,
)

pytestmark = FAULT_MARKS

# Addresses and names that are valid data but hard to put in a message header.
AWKWARD = [
    {"email": "dänä@exämple.org"},
    {"first_name": "Dana\r\nBcc: someone@example.net"},
    {"last_name": "Okafor\n"},
]


def test_emails_that_are_hard_to_build_are_tried_and_settled(
    fault_app, mail, private_redis
):
    sender = Sender(fault_app)
    assert sender.post(candidate_event(0)).status_code == 202
    for n, changes in enumerate(AWKWARD, start=1):
        event = candidate_event(n)
        event["data"]["candidate"].update(changes)
        sender.post(event)  # accepted, or refused at the door: both are fine
    drain(fault_app, private_redis.url)
    # As stored (an address may be normalised on the way in).
    addresses = list(db.session.scalars(select(Candidate.email)))
    tick(DUE)
    with clock.frozen_at(DUE):
        drain(fault_app, private_redis.url)
    last = recover(fault_app, private_redis.url)

    tally = assert_recovered(mail.mailbox.received, addresses, last, faults=0)
    tally.notes.append(f"{len(addresses) - 1} of {len(AWKWARD)} awkward ones accepted")
    record("hard-to-build emails", tally)
