"""Sending email: over SMTP, or into `.eml` files on the embedded default.

What each SMTP answer means, and when the claim runs, is in `mail/connection.py`.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from plugin.mail.connection import (
    PRE_DATA_TIMEOUTS,
    Claim,
    SmtpConnection,
    SmtpSettings,
)
from plugin.mail.envelope import Envelope, UnbuildableMessageError, envelope_of
from plugin.mail.files import write_eml
from plugin.mail.outcomes import (
    DeliveryError,
    FinalDeliveryError,
    MailConfigurationError,
    RecipientRefusedError,
    RejectedDeliveryError,
    RetryableDeliveryError,
    SenderRefusedError,
    UnknownOutcomeError,
    UnsupportedAddressError,
)

__all__ = [
    "Claim",
    "DeliveryError",
    "Envelope",
    "FinalDeliveryError",
    "MailConfigurationError",
    "RecipientRefusedError",
    "RejectedDeliveryError",
    "RetryableDeliveryError",
    "SenderRefusedError",
    "SmtpConnection",
    "SmtpSettings",
    "UnbuildableMessageError",
    "UnknownOutcomeError",
    "UnsupportedAddressError",
    "mail_job_timeout",
    "send_message",
    "write_eml",
]

SMTP_TIMEOUT_SECONDS = 30
# Up to RCPT TO, PRE_DATA_TIMEOUTS in all; after the claim, DATA, the content, the
# final reply and QUIT get one each.
TIMEOUTS_PER_EMAIL = PRE_DATA_TIMEOUTS + 4
# Room for a job's database work besides its SMTP conversations.
JOB_TIMEOUT_MARGIN = 60


def send_message(
    message: EmailMessage | Envelope,
    smtp_url: str | None,
    mail_dir: Path | None,
    *,
    claim: Claim | None = None,
    timeout: float = SMTP_TIMEOUT_SECONDS,
    connection: SmtpConnection | None = None,
) -> bool:
    """Send over SMTP when configured, else write an `.eml` file.

    `message` is an envelope (see `messages.build_message`) or an `EmailMessage`,
    encoded here. `connection`, when given, is an open SMTP connection to reuse (a
    job's); otherwise one is opened for this message and closed after it.

    Returns False when `claim` said another job owns the row: nothing was sent.
    Raises UnbuildableMessageError before any traffic when the message cannot be
    encoded, and a DeliveryError subclass for every other outcome but success.
    """
    envelope = message if isinstance(message, Envelope) else envelope_of(message)
    if smtp_url:
        if connection is not None:
            return connection.send(envelope, claim)
        settings = SmtpSettings.from_url(smtp_url)
        with SmtpConnection(settings, timeout) as single_use:
            return single_use.send(envelope, claim)
    if mail_dir is None:
        raise RetryableDeliveryError("neither SMTP_URL nor a mail folder is configured")
    if claim is not None and not claim():
        return False
    write_eml(envelope, mail_dir, RetryableDeliveryError)
    return True


def mail_job_timeout(emails: int, smtp_timeout: float) -> int:
    """Seconds a job sending `emails` emails may need: the worst case, plus a margin.

    A job killed between the claim and the server's final answer leaves a row
    "unknown", so a worker must never time a job out before this.
    """
    return int(emails * TIMEOUTS_PER_EMAIL * smtp_timeout) + JOB_TIMEOUT_MARGIN
