"""SMTP servers for tests, on loopback: a scriptable aiosmtpd handler, and a silent one.

`ScriptedSmtp` answers MAIL FROM, RCPT TO and DATA from queues of replies (then
"250 OK"), and can hang after DATA; `start_smtp` runs it with or without SMTPUTF8.
`SilentServer` accepts connections and never greets.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller

RECRUITER_DOMAIN = "@staffing.example"


@dataclass
class ScriptedSmtp:
    """An aiosmtpd handler whose answers tests script, command by command."""

    mail_replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    hang_after_data: bool = False
    # Per recipient: replies to RCPT TO for that address (then "250 OK").
    replies_for: dict[str, list[str]] = field(default_factory=dict)
    # Recipients whose messages get no answer after DATA.
    hang_for: set[str] = field(default_factory=set)
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    # Commands in the order they arrived: "MAIL", "RCPT", "DATA".
    log: list[str] = field(default_factory=list)
    # Every address offered at RCPT TO, accepted or not.
    recipients_asked: list[str] = field(default_factory=list)

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        self.log.append("MAIL")
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        self.log.append("RCPT")
        self.recipients_asked.append(address)
        if self.replies_for.get(address):
            return self.replies_for[address].pop(0)
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.log.append("DATA")
        if self.hang_after_data or self.hang_for & set(envelope.rcpt_tos):
            await asyncio.sleep(3600)
        if self.data_replies:
            return self.data_replies.pop(0)
        self.envelopes.append(envelope)
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=default_policy)
        )
        return "250 OK"

    @property
    def candidate_messages(self) -> list[EmailMessage]:
        """Emails to candidates (recruiters in the test data are @staffing.example)."""
        return [m for m in self.messages if RECRUITER_DOMAIN not in str(m["To"])]

    @property
    def recruiter_messages(self) -> list[EmailMessage]:
        """Alerts and digests: emails to the firm's recruiters."""
        return [m for m in self.messages if RECRUITER_DOMAIN in str(m["To"])]


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def start_smtp(handler: ScriptedSmtp, smtputf8: bool = False) -> Iterator[str]:
    """Run `handler` on a loopback port; yield its `smtp://` URL."""
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        enable_SMTPUTF8=smtputf8,
        decode_data=False,
    )
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


class SilentServer:
    """Accepts TCP connections on loopback and never says a word."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        """Its `smtp://` URL."""
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        for held in self._held:
            held.close()

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                continue
            self._held.append(connection)
