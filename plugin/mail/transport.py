"""Sending email: over SMTP, or into `.eml` files on the embedded default.

SMTP failures are sorted by when they happen. Before DATA nothing was accepted, so a
retry is safe. After DATA the server may hold the message: a clear refusal is final,
and silence is "unknown" for an operator, never retried.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT_SECONDS = 30


class DeliveryError(Exception):
    """An email was not delivered."""


class RetryableDeliveryError(DeliveryError):
    """Failed before DATA: the server accepted nothing, so sending again is safe."""


class RejectedDeliveryError(DeliveryError):
    """The server answered the message itself with a refusal: do not retry."""


class UnknownOutcomeError(DeliveryError):
    """The message went out but no answer came back: it may have been accepted."""


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
    message: EmailMessage, smtp_url: str | None, mail_dir: Path | None
) -> None:
    """Send over SMTP when configured, else write an `.eml` file."""
    if smtp_url:
        send_over_smtp(message, SmtpSettings.from_url(smtp_url))
    elif mail_dir is not None:
        write_eml(message, mail_dir)
    else:
        raise RetryableDeliveryError("neither SMTP_URL nor a mail folder is configured")


def write_eml(message: EmailMessage, mail_dir: Path) -> Path:
    """Write the message whole (temp file, then rename) into `mail_dir`."""
    try:
        mail_dir.mkdir(parents=True, exist_ok=True)
        message_id = str(message["Message-ID"]).strip("<>")
        stem = re.sub(r"[^A-Za-z0-9.@-]", "_", message_id)[:120]
        fd, temp = tempfile.mkstemp(dir=mail_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        target = mail_dir / f"{stem}.eml"
        os.replace(temp, target)
    except OSError as exc:
        raise RetryableDeliveryError(
            f"cannot write to the mail folder: {exc.strerror}"
        ) from exc
    return target


def send_over_smtp(message: EmailMessage, settings: SmtpSettings) -> None:
    """One SMTP transaction, sorting failures into retryable, rejected or unknown."""
    sender = parseaddr(str(message["From"]))[1]
    recipients = [parseaddr(str(message["To"]))[1]]
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        raise RetryableDeliveryError(
            f"cannot reach the SMTP server: {type(exc).__name__}"
        ) from exc
    try:
        _before_data(client, sender, recipients)
        _data(client, message.as_bytes())
    finally:
        _hang_up(client)


def _hang_up(client: smtplib.SMTP) -> None:
    # The outcome is already decided; a failed QUIT must not change it.
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=SMTP_TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(
            settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS
        )
    client.ehlo()
    if settings.tls == "starttls":
        client.starttls(context=ssl.create_default_context())
        client.ehlo()
    if settings.username:
        client.login(settings.username, settings.password or "")
    return client


def _before_data(client: smtplib.SMTP, sender: str, recipients: list[str]) -> None:
    try:
        code, reply = client.mail(sender)
        if code != 250:
            raise RetryableDeliveryError(f"MAIL FROM refused ({code})")
        for recipient in recipients:
            code, reply = client.rcpt(recipient)
            if code not in (250, 251):
                raise RetryableDeliveryError(f"RCPT TO refused ({code})")
        client.putcmd("data")
        code, reply = client.getreply()
        if code != 354:
            raise RetryableDeliveryError(f"DATA refused ({code})")
    except (OSError, smtplib.SMTPException) as exc:
        raise RetryableDeliveryError(
            f"SMTP failed before DATA: {type(exc).__name__}"
        ) from exc


def _data(client: smtplib.SMTP, payload: bytes) -> None:
    """Send the content and read the final answer: past this point, never retry."""
    body = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", payload)
    body = re.sub(rb"(?m)^\.", b"..", body)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    try:
        client.send(body + b".\r\n")
        code, reply = client.getreply()
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise UnknownOutcomeError(
            f"no answer after DATA: {type(exc).__name__}"
        ) from exc
    if code != 250:
        raise RejectedDeliveryError(f"message refused after DATA ({code})")
