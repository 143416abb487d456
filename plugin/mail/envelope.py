"""From a built message to what SMTP carries: sender, recipients and encoded bytes.

Encoding is checked here, before any SMTP traffic and before a row is claimed, so a
message that can never be encoded fails with a reason instead of retrying.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default


class UnbuildableMessageError(Exception):
    """The message can never be built or encoded; the reason says why."""


@dataclass(frozen=True)
class Envelope:
    """The SMTP envelope and the encoded message."""

    sender: str
    recipients: tuple[str, ...]
    message_id: str
    payload: bytes
    # True when an address has a non-ASCII local part: only SMTPUTF8 can carry it.
    smtputf8: bool


def envelope_of(message: EmailMessage) -> Envelope:
    """Encode `message` for sending; raise UnbuildableMessageError if it cannot be."""
    try:
        sender = _addresses(message, "From")[0]
        recipients = tuple(_addresses(message, "To"))
        smtputf8 = not all(a.isascii() for a in (sender, *recipients))
        payload = message.as_bytes(policy=default.clone(utf8=smtputf8))
    except (MessageError, UnicodeError, ValueError, IndexError, TypeError) as exc:
        raise UnbuildableMessageError(
            f"the message cannot be encoded: {type(exc).__name__}"
        ) from exc
    if not recipients:
        raise UnbuildableMessageError("the message has no recipient")
    return Envelope(
        sender=sender,
        recipients=recipients,
        message_id=str(message["Message-ID"] or ""),
        payload=payload,
        smtputf8=smtputf8,
    )


def _addresses(message: EmailMessage, header: str) -> list[str]:
    field = message[header]
    found: tuple[Address, ...] = getattr(field, "addresses", ())
    return [address.addr_spec for address in found]
