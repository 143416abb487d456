"""What the test SMTP server received, and the parts of those emails."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

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
