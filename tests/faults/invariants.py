"""What must hold after every fault run, checked on the database and the mail server."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from plugin.extensions import db
from plugin.models import (
    Alert,
    AlertStatus,
    Candidate,
    EmailStatus,
    InboxEvent,
    InboxStatus,
    OutboundEmail,
)

from .ledger import Tally

# The interval the service ticks at by default: the "one tick" of the invariants.
TICK_SECONDS = 30
# States an email may end in after recovery: each is delivered or visibly stopped.
SETTLED = {"sent", "failed", "unknown", "bounced", "skipped"}


def all_events_applied() -> bool:
    """Every stored delivery has been processed."""
    db.session.expire_all()
    statuses = set(db.session.scalars(select(InboxEvent.status)).all())
    db.session.rollback()
    return statuses <= {"processed", "ignored"}


def email_states() -> dict[str, str]:
    """Each candidate email's status, by the candidate's address."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Candidate.email, OutboundEmail.status)
        .join(OutboundEmail.application)
        .join(Candidate)
    ).all()
    return {str(address): str(status) for address, status in rows}


def outbox_rows() -> list[tuple[Any, ...]]:
    """Every outbox row's delivery columns, for failure messages."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                OutboundEmail.id,
                OutboundEmail.status,
                OutboundEmail.attempts,
                OutboundEmail.last_error,
                OutboundEmail.next_attempt_at,
                OutboundEmail.enqueued_at,
                OutboundEmail.sending_started_at,
            ).order_by(OutboundEmail.id)
        )
    ]


def untried_pending(last_tick: datetime) -> list[str]:
    """Rows left pending, never tried and without an error, though a tick passed."""
    db.session.expire_all()
    overdue = last_tick - timedelta(seconds=TICK_SECONDS)
    checks = {
        "outbound_emails": select(OutboundEmail.id).where(
            OutboundEmail.status == EmailStatus.PENDING,
            OutboundEmail.last_error.is_(None),
            OutboundEmail.attempts == 0,
            OutboundEmail.next_attempt_at <= overdue,
        ),
        "inbox_events": select(InboxEvent.id).where(
            InboxEvent.status == InboxStatus.PENDING,
            InboxEvent.last_error.is_(None),
            InboxEvent.attempts == 0,
            InboxEvent.next_attempt_at <= overdue,
        ),
        # Only urgent alerts are sent on their own; the others wait for a digest.
        "alerts": select(Alert.id).where(
            Alert.status == AlertStatus.PENDING,
            Alert.urgent.is_(True),
            Alert.attempts == 0,
            Alert.next_attempt_at <= overdue,
        ),
    }
    return [
        f"{table} {row_id}"
        for table, query in checks.items()
        for row_id in db.session.scalars(query)
    ]


def assert_recovered(
    received: Counter[str], addresses: list[str], last_tick: datetime, faults: int
) -> Tally:
    """The invariants after recovery; returns the counts for the fault ledger."""
    db.session.expire_all()
    inbox = Counter(db.session.scalars(select(InboxEvent.status)).all())
    assert set(inbox) <= {"processed", "ignored"}, f"events not applied: {inbox}"
    states = email_states()
    assert sorted(states) == sorted(addresses), "an expected email was never made"
    assert set(states.values()) <= SETTLED, f"emails left unsettled: {outbox_rows()}"
    twice = {a: n for a, n in received.items() if n > 1}
    assert not twice, f"candidates emailed twice: {twice}"
    for address, status in states.items():
        arrived = received[envelope_form(address)]
        if status == "sent":
            assert arrived == 1, f"{address} marked sent, never arrived"
        elif status in ("failed", "bounced", "skipped"):
            assert arrived == 0, f"{address} marked {status}, yet arrived"
    assert untried_pending(last_tick) == []
    return Tally(
        faults=faults,
        emails_expected=len(addresses),
        delivered=sum(1 for a in addresses if received[a] >= 1),
        duplicated=sum(n - 1 for n in received.values() if n > 1),
        statuses=Counter(states.values()),
    )


def envelope_form(address: str) -> str:
    """The address as the server sees it: an international domain in IDNA form."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii').lower()}"
