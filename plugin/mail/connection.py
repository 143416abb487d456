"""One SMTP connection: the conversation for each message, and keeping it open.

SMTP failures are sorted by when they happen. Up to RCPT TO nothing was accepted, so
a 4xx or a dropped line is retried later, while a 5xx is a final answer: at MAIL FROM
our own sender or relay is wrong, at RCPT TO the recipient's mailbox refused. Only
after RCPT does the caller's `claim` commit the row as "sending"; then DATA. After the
message's final dot the server may hold it: silence is "unknown" for an operator and
never retried.

A delivery job sends its emails over one connection. Only success leaves the
connection open for the next message; any failure closes it, so no half-finished
transaction is carried over and the next message starts on a fresh connection.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import unquote, urlsplit

from plugin.mail.envelope import Envelope
from plugin.mail.outcomes import (
    MailConfigurationError,
    RecipientRefusedError,
    RejectedDeliveryError,
    RetryableDeliveryError,
    SenderRefusedError,
    UnknownOutcomeError,
    UnsupportedAddressError,
)

# The conversation up to RCPT TO gets this many SMTP timeouts in all; after the claim,
# DATA, the content, the final reply and QUIT get one each.
PRE_DATA_TIMEOUTS = 3

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


class SmtpConnection:
    """An SMTP connection opened on first use and kept for the next message.

    Use it as a context manager: leaving it says QUIT. When a fresh connection
    cannot be made, the remaining messages fail at once as retryable instead of
    each waiting out the timeout; they stay pending for a later try.
    """

    def __init__(self, settings: SmtpSettings, timeout: float) -> None:
        self.settings, self.timeout = settings, timeout
        self._client: smtplib.SMTP | None = None
        self._unreachable: RetryableDeliveryError | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, envelope: Envelope, claim: Claim | None) -> bool:
        """One message: MAIL, RCPT, the claim, then DATA. False if not claimed."""
        try:
            took = self._transaction(envelope, claim)
        except BaseException:
            self.close()
            raise
        if not took:
            self.close()  # QUIT ends the transaction the claim declined
        return took

    def close(self) -> None:
        """Say QUIT (or just drop the line) if a connection is open."""
        if self._client is not None:
            client, self._client = self._client, None
            _hang_up(client)

    def _transaction(self, envelope: Envelope, claim: Claim | None) -> bool:
        deadline = _Deadline(self.timeout)
        client = self._start(envelope, deadline)
        _rcpt_to(client, envelope, deadline)
        if claim is not None and not claim():
            return False
        if client.sock is not None:
            client.sock.settimeout(self.timeout)
        _data(client, envelope.payload)
        return True

    def _start(self, envelope: Envelope, deadline: _Deadline) -> smtplib.SMTP:
        """MAIL FROM on the open connection, or on a new one."""
        if self._client is not None:
            try:
                _mail_from(self._client, envelope, deadline)
                return self._client
            except RetryableDeliveryError as exc:
                if not _line_dropped(exc):
                    raise
                # The server closed the idle connection; nothing of this message
                # was sent, so it starts again, once, on a fresh connection.
                self.close()
        client = self._open(deadline)
        _mail_from(client, envelope, deadline)
        return client

    def _open(self, deadline: _Deadline) -> smtplib.SMTP:
        if self._unreachable is not None:
            raise RetryableDeliveryError(str(self._unreachable))
        try:
            self._client = _connect(self.settings, deadline)
        except RetryableDeliveryError as exc:
            self._unreachable = exc
            raise
        return self._client


def _line_dropped(exc: RetryableDeliveryError) -> bool:
    """True when the failure was the connection itself, not a reply."""
    # smtplib's own errors (a disconnect among them) are OSErrors too.
    return isinstance(exc.__cause__, OSError)


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
