"""The sending discipline every queued email shares: coaching, alerts, digests.

A row is committed as "sending" (with its Message-ID) only once the SMTP server has
accepted the recipient, right before DATA. A job lost before then leaves the row
pending and safely retryable; after it, the row can only become sent, failed or
"unknown" (for an operator), never pending again unless the server said "later".
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, Update, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value

from plugin import clock
from plugin.extensions import commit_keeping_loaded, db, rows_changed
from plugin.mail.envelope import Envelope
from plugin.mail.messages import send
from plugin.mail.transport import (
    Claim,
    FinalDeliveryError,
    MailConfigurationError,
    RecipientRefusedError,
    RetryableDeliveryError,
    UnbuildableMessageError,
    UnknownOutcomeError,
)
from plugin.models import Alert, Digest, OutboundEmail
from plugin.models.queued import PENDING
from plugin.operations.mail_problems import (
    record_configuration_error,
    record_staff_bounce,
)

log = logging.getLogger(__name__)

SENDING = "sending"
SENT = "sent"
UNKNOWN = "unknown"
BOUNCED = "bounced"

Sendable = OutboundEmail | Alert | Digest


class Outcome(enum.StrEnum):
    """How one sending attempt ended."""

    SENT = "sent"
    NOT_CLAIMED = "not claimed"  # another job owns the row: nothing was sent
    RETRY = "retry"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SendResult:
    """The outcome, the reason recorded on the row, and a configuration flag."""

    outcome: Outcome
    reason: str | None = None
    configuration: bool = False


def send_row(row: Sendable, message: Envelope, **claimed: object) -> SendResult:
    """Send `message` for `row` and record the outcome on it; the caller commits.

    Only the claim (pending -> sending, plus the `claimed` column values) commits on
    its own, right before DATA.
    """
    message_id = message.message_id
    claim = claim_for(row, message_id, **claimed)
    try:
        took = send(message, claim=claim)
    except UnbuildableMessageError as exc:
        return fail(row, str(exc))
    except RetryableDeliveryError as exc:
        # The next try reuses the Message-ID, so every try is the same message.
        row.message_id = row.message_id or message_id
        retried = row.record_failure(str(exc))
        return SendResult(Outcome.RETRY if retried else Outcome.FAILED, row.last_error)
    except RecipientRefusedError as exc:
        row.fail(f"the recipient's server refused the address: {exc}", BOUNCED)
        return SendResult(Outcome.BOUNCED, row.last_error)
    except MailConfigurationError as exc:
        row.fail(f"mail configuration error: {exc}")
        return SendResult(Outcome.FAILED, row.last_error, configuration=True)
    except FinalDeliveryError as exc:
        return fail(row, str(exc))
    except UnknownOutcomeError as exc:
        row.status, row.last_error = UNKNOWN, str(exc)[:500]
        row.attempts += 1
        return SendResult(Outcome.UNKNOWN, row.last_error)
    if not took:
        db.session.rollback()
        return SendResult(Outcome.NOT_CLAIMED)
    mark_sent(row, clock.now())
    return SendResult(Outcome.SENT)


def mark_sent(row: Sendable, at: datetime) -> None:
    """Record on the row that the server took the message at `at`; caller commits.

    Written now, not left to the session's flush: the flush's bookkeeping cost more
    CPU than the statement itself.
    """
    sent = {"status": SENT, "sent_at": at, "last_error": None}
    _update_row(row, {**sent, "attempts": row.attempts + 1})


def fail(row: Sendable, reason: str) -> SendResult:
    """End the row as failed with `reason`; the caller commits."""
    row.fail(reason)
    return SendResult(Outcome.FAILED, row.last_error)


def claim_for(row: Sendable, message_id: str, **values: object) -> Claim:
    """The claim run right before DATA: pending -> sending in one conditional UPDATE."""

    def claim() -> bool:
        committed = {
            "status": SENDING,
            "message_id": message_id,
            "sending_started_at": clock.now(),
            **values,
        }
        claimed = _update_row(row, committed, while_pending=True)
        # The row is ours now: keep what is loaded (it was set to what was written).
        commit_keeping_loaded()
        return claimed

    return claim


def _update_row(
    row: Sendable, values: dict[str, object], *, while_pending: bool = False
) -> bool:
    """UPDATE `values` on the row now (only while pending, if asked); True if it
    changed, and then the loaded row is set to match.

    Each statement is built once per kind of row and set of columns: building it,
    and its cache key, for every email cost more than running it.
    """
    key = (type(row).__name__, tuple(values), while_pending)
    if key not in _UPDATES:
        table = cast(Table, type(row).__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in values})
        )
        if while_pending:
            statement = statement.where(table.c.status == PENDING)
        _UPDATES[key] = statement
    parameters = {f"new_{name}": value for name, value in values.items()}
    if rows_changed(_UPDATES[key], {"row_id": row.id, **parameters}) != 1:
        return False
    for name, value in values.items():
        set_committed_value(row, name, value)
    return True


_UPDATES: dict[tuple[str, tuple[str, ...], bool], Update] = {}


def report_problem(
    result: SendResult, mail_kind: str, staff_address: str | None
) -> None:
    """After the row is committed: tell operators and admins what needs a person."""
    if result.configuration:
        record_configuration_error(mail_kind, result.reason or "")
    elif result.outcome == Outcome.BOUNCED and staff_address is not None:
        record_staff_bounce(staff_address, mail_kind, result.reason or "")


def record_unexpected_failure(
    model: type[Sendable], row_id: int, exc: Exception
) -> bool:
    """After a rollback: count an unexpected error against a still-pending row.

    A bug or an outage then ends in back-off and, at last, `failed` with a reason,
    never in silent retries. Commits; True when this was the last attempt.
    """
    try:
        row = db.session.get(model, row_id)
        if row is None or row.status != PENDING:
            return False
        gave_up = not row.record_failure(f"unexpected error: {type(exc).__name__}")
        db.session.commit()
        return gave_up
    except Exception:
        db.session.rollback()  # the database itself is down: the tick retries
        log.exception("could not record the failure of %s %s", model.__name__, row_id)
        return False
