"""SMTP servers on loopback that misbehave on cue, and count what reached them."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from .harness import LOOPBACK, SilentServer, free_port

# Longest a hanging server keeps a client waiting before it gives up by itself.
HANG_SECONDS = 20.0


@dataclass
class FaultyMailbox:
    """An aiosmtpd handler: one fault at a time, every arrival counted by recipient.

    `received` counts messages whose whole content reached the server, even when it
    then hung or hung up: the candidate may have got those, so they count towards
    duplicates.
    """

    mail_reply: str | None = None  # e.g. "550 5.7.1 sender not allowed"
    rcpt_reply: str | None = None  # e.g. "451 4.3.0 try later", "550 5.1.1 no such"
    hang_after_data: bool = False
    drop_after_data: bool = False
    data_delay: float = 0.0  # seconds before answering 250: a slow server
    received: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    # Who was refused: recipients at RCPT, the sender at MAIL FROM.
    refused: Counter[str] = field(default_factory=Counter)

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if self.mail_reply:
            self.refused[f"from:{address}"] += 1
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.rcpt_reply:
            self.refused[address] += 1
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        for address in envelope.rcpt_tos:
            self.received[address] += 1
        if self.drop_after_data:
            server.transport.close()
            return "250 OK"  # never heard: the connection is gone
        if self.hang_after_data:
            await asyncio.sleep(HANG_SECONDS)
            return "451 4.4.2 timed out"
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        for address in envelope.rcpt_tos:
            self.accepted[address] += 1
        return "250 OK"

    def behave(self) -> None:
        """Stop misbehaving: answer like a healthy server from now on."""
        self.mail_reply = self.rcpt_reply = None
        self.hang_after_data = self.drop_after_data = False
        self.data_delay = 0.0

    @property
    def duplicated(self) -> int:
        """Extra copies that reached the server, over all recipients."""
        return sum(count - 1 for count in self.received.values() if count > 1)


class MailServer:
    """A real SMTP server on a free loopback port, driven by a FaultyMailbox."""

    def __init__(self, mailbox: FaultyMailbox | None = None) -> None:
        self.mailbox = mailbox or FaultyMailbox()
        self.port = free_port()
        self.url = f"smtp://{LOOPBACK}:{self.port}"
        self._controller = Controller(
            self.mailbox, hostname=LOOPBACK, port=self.port, ready_timeout=10
        )
        self._controller.start()

    def close(self) -> None:
        """Stop serving."""
        self._controller.stop()


class MuteMailServer:
    """Accepts connections and never sends its greeting."""

    def __init__(self) -> None:
        self._server = SilentServer()
        self.url = f"smtp://{LOOPBACK}:{self._server.port}"

    @property
    def connections(self) -> int:
        """How many clients are waiting for a greeting that never comes."""
        return len(self._server.accepted)

    def close(self) -> None:
        """Hang up on everyone."""
        self._server.close()


def all_received(*servers: Any) -> Counter[str]:
    """Messages that reached any of `servers`, by recipient."""
    total: Counter[str] = Counter()
    for server in servers:
        total.update(server.mailbox.received)
    return total
