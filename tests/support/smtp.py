"""What the test SMTP server received, and the parts of those emails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

RECRUITER_DOMAIN = "@staffing.example"


@dataclass
class SmtpRecorder:
    """An aiosmtpd handler that keeps what arrives and can be told to misbehave."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_reply: str | None = None
    hang_up_after_data: bool = False

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.hang_up_after_data:
            server.transport.close()
            return "250 OK"
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        self.messages.append(
            message_from_bytes(envelope.content, policy=default_policy)
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


def text_part(message: EmailMessage) -> str:
    """The plain-text body of a received email."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    """The HTML body of a received email."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


class CountingController(Controller):
    """An aiosmtpd controller that counts the connections clients open to it."""

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.connections = 0

    def factory(self) -> SMTP:
        """A protocol instance per connection: count each one."""
        self.connections += 1
        return super().factory()


@dataclass
class MisbehavingOnCue(SmtpRecorder):
    """A recorder that misbehaves at the n-th message of the run (counting from 1).

    `hang_up_at` closes the line after the n-th message's content, unanswered;
    `close_after` closes the connection, unanswered, when the next message starts
    after the n-th (and calls `stop_listening`, when set, so no new connection is
    taken either); `defer_rcpt_at` answers 451 at RCPT TO for the n-th message.
    """

    hang_up_at: int | None = None
    close_after: int | None = None
    stop_listening: Callable[[], None] | None = None
    defer_rcpt_at: int | None = None
    transactions: int = 0

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if self.close_after is not None and self.transactions == self.close_after:
            self.close_after = None
            if self.stop_listening is not None:
                self.stop_listening()
            server.transport.close()
            return "250 OK"  # never heard: the line is gone
        self.transactions += 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.transactions == self.defer_rcpt_at:
            return "451 4.3.0 try again later"
        return await super().handle_RCPT(server, session, envelope, address, options)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.transactions == self.hang_up_at:
            server.transport.close()
            return "250 OK"  # never heard: the line is gone
        return await super().handle_DATA(server, session, envelope)
