"""Sending email: over SMTP, or into `.eml` files on the embedded default.

SMTP failures are sorted by when they happen. Up to RCPT TO nothing was accepted, so
a 4xx or a dropped line is retried later, while a 5xx is a final answer: at MAIL FROM
our own sender or relay is wrong, at RCPT TO the recipient's mailbox refused. Only
after RCPT does the caller's `claim` commit the row as "sending"; then DATA. After the
message's final dot the server may hold it: silence is "unknown" for an operator and
never retried.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
    "SmtpSettings",
    "UnbuildableMessageError",
    "UnknownOutcomeError",
    "UnsupportedAddressError",
    "mail_job_timeout",
    "send_message",
    "write_eml",
]

SMTP_TIMEOUT_SECONDS = 30
# The conversation up to RCPT TO gets this many SMTP timeouts in all; after the claim,
# DATA, the content, the final reply and QUIT get one each.
PRE_DATA_TIMEOUTS = 3
TIMEOUTS_PER_EMAIL = PRE_DATA_TIMEOUTS + 4
# Room for a job's database work besides its SMTP conversations.
JOB_TIMEOUT_MARGIN = 60

# Commits the row as "sending" just before DATA; False means another job has it.
Claim = Callable[[], bool]


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server, parsed from `SMTP_URL`."""

    host: str
    port: int
    tls: str  # "none", "starttls" or "ssl"
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """Parse `smtp://`, `smtp+starttls://` or `smtps://[user:pass@]host[:port]`."""
        parts = urlsplit(url)
        tls = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "ssl"}.get(
            parts.scheme
        )
        if tls is None or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:port")
        default_port = {"none": 25, "starttls": 587, "ssl": 465}[tls]
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def send_message(
    message: EmailMessage,
    smtp_url: str | None,
    mail_dir: Path | None,
    *,
    claim: Claim | None = None,
    timeout: float = SMTP_TIMEOUT_SECONDS,
) -> bool:
    """Send over SMTP when configured, else write an `.eml` file.

    Returns False when `claim` said another job owns the row: nothing was sent.
    Raises UnbuildableMessageError before any traffic when the message cannot be
    encoded, and a DeliveryError subclass for every other outcome but success.
    """
    envelope = envelope_of(message)
    if smtp_url:
        return _send_over_smtp(
            envelope, SmtpSettings.from_url(smtp_url), timeout, claim
        )
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


class _Deadline:
    """One budget for the steps before DATA, so a slow server cannot stall a job."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.ends = time.monotonic() + timeout * PRE_DATA_TIMEOUTS

    def step(self, client: smtplib.SMTP) -> None:
        remaining = self.ends - time.monotonic()
        if remaining <= 0:
            raise RetryableDeliveryError("the SMTP server answered too slowly")
        if client.sock is not None:
            client.sock.settimeout(min(self.timeout, remaining))


def _send_over_smtp(
    envelope: Envelope, settings: SmtpSettings, timeout: float, claim: Claim | None
) -> bool:
    deadline = _Deadline(timeout)
    client = _connect(settings, deadline)
    try:
        _mail_from(client, envelope, deadline)
        _rcpt_to(client, envelope, deadline)
        if claim is not None and not claim():
            return False  # another job owns the row; QUIT below ends the transaction
        if client.sock is not None:
            client.sock.settimeout(timeout)
        _data(client, envelope.payload)
    finally:
        _hang_up(client)
    return True


def _connect(settings: SmtpSettings, deadline: _Deadline) -> smtplib.SMTP:
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                timeout=deadline.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(timeout=deadline.timeout)
        client.connect(settings.host, settings.port)
        _greet(client, settings, deadline)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailConfigurationError(
            f"the SMTP server refused our login ({exc.smtp_code})"
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise RetryableDeliveryError(
            f"cannot reach the SMTP server: {type(exc).__name__}"
        ) from exc
    return client


def _greet(client: smtplib.SMTP, settings: SmtpSettings, deadline: _Deadline) -> None:
    deadline.step(client)
    client.ehlo()
    if settings.tls == "starttls":
        deadline.step(client)
        client.starttls(context=ssl.create_default_context())
        deadline.step(client)
        client.ehlo()
    if settings.username:
        deadline.step(client)
        client.login(settings.username, settings.password or "")


def _mail_from(client: smtplib.SMTP, envelope: Envelope, deadline: _Deadline) -> None:
    options: list[str] = []
    if envelope.smtputf8:
        if not client.has_extn("smtputf8"):
            raise UnsupportedAddressError(
                "the address needs international email (SMTPUTF8), "
                "which the mail server does not offer"
            )
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    code, reply = _command(
        client, deadline, "MAIL FROM", client.mail, envelope.sender, options
    )
    if 500 <= code < 600:
        raise SenderRefusedError(
            f"MAIL FROM refused: {_describe(code, reply, envelope)}"
        )
    if code != 250:
        raise RetryableDeliveryError(f"MAIL FROM deferred ({code})")


def _rcpt_to(client: smtplib.SMTP, envelope: Envelope, deadline: _Deadline) -> None:
    for recipient in envelope.recipients:
        code, reply = _command(client, deadline, "RCPT TO", client.rcpt, recipient)
        if 500 <= code < 600:
            raise RecipientRefusedError(_describe(code, reply, envelope))
        if code not in (250, 251):
            raise RetryableDeliveryError(f"RCPT TO deferred ({code})")


def _command(
    client: smtplib.SMTP,
    deadline: _Deadline,
    name: str,
    send: Callable[..., tuple[int, bytes]],
    *args: object,
) -> tuple[int, bytes]:
    deadline.step(client)
    try:
        return send(*args)
    except (OSError, smtplib.SMTPException) as exc:
        raise RetryableDeliveryError(
            f"SMTP failed at {name}: {type(exc).__name__}"
        ) from exc


def _data(client: smtplib.SMTP, payload: bytes) -> None:
    """DATA, the content and the final answer: past the final dot, never retry."""
    try:
        client.putcmd("data")
        code, reply = client.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        # The content was never sent: the server cannot have accepted it.
        raise RetryableDeliveryError(
            f"SMTP failed at DATA, before the content: {type(exc).__name__}"
        ) from exc
    if code != 354:
        _refuse(code, "DATA")
    try:
        client.send(_dot_stuffed(payload) + b".\r\n")
        code, reply = client.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        raise UnknownOutcomeError(
            f"no answer after DATA: {type(exc).__name__}"
        ) from exc
    if code != 250:
        _refuse(code, "the message")


def _refuse(code: int, what: str) -> None:
    # A 4xx means the server took nothing and asks us to come back later.
    if 400 <= code < 500:
        raise RetryableDeliveryError(f"{what} deferred ({code})")
    raise RejectedDeliveryError(f"{what} refused ({code})")


def _dot_stuffed(payload: bytes) -> bytes:
    body = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", payload)
    body = re.sub(rb"(?m)^\.", b"..", body)
    return body if body.endswith(b"\r\n") else body + b"\r\n"


def _describe(code: int, reply: bytes, envelope: Envelope) -> str:
    """The server's reply as a reason: one line, printable, no addresses quoted."""
    text = reply.decode("utf-8", "replace")
    for address in (envelope.sender, *envelope.recipients):
        text = re.sub(re.escape(address), "<address>", text, flags=re.IGNORECASE)
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return f"{code} {text}"[:300]


def _hang_up(client: smtplib.SMTP) -> None:
    # The outcome is already decided; a failed QUIT must not change it.
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
