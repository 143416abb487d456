"""What each email says: the facts it needs, and the message built from them.

Names and addresses are data from an ATS: they are cleaned for headers here, and a
message that still cannot be built raises UnbuildableMessageError with the reason.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache

from flask import current_app, g, render_template

from plugin import clock
from plugin.config import firm_policy
from plugin.config.policy import Policy
from plugin.mail.coaching import context_for
from plugin.mail.envelope import Envelope, envelope_of
from plugin.mail.language import language_of, localized_context, speaking
from plugin.mail.mime import HeaderValue, compose, header_lines, plain_address
from plugin.mail.transport import (
    SMTP_TIMEOUT_SECONDS,
    Claim,
    SmtpConnection,
    SmtpSettings,
    UnbuildableMessageError,
    mail_job_timeout,
    send_message,
)
from plugin.models import OutboundEmail

# Longest display name or subject kept in a header; the rest is noise.
HEADER_TEXT_LIMIT = 200
# Control, surrogate, private-use and unassigned code points never go in a header.
_DROPPED_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
_SPACE_RUNS = re.compile(r" {2,}")
# Where `one_connection` keeps the SMTP connection a job shares, in its app context.
_JOB_CONNECTION = "followup_smtp_connection"


@dataclass(frozen=True)
class RenderedEmail:
    """Subject and both bodies of one email, and the unsubscribe link they carry.

    The link is made once, so the List-Unsubscribe header and the bodies hold the
    same token even when rendering straddles a second.
    """

    subject: str
    text: str
    html: str
    unsubscribe_url: str


def render_email(email: OutboundEmail) -> RenderedEmail:
    """Render the email's template with the facts we hold right now.

    It speaks the candidate's language, and its subject comes from a template too.
    """
    with speaking(language_of(email.application.candidate)):
        context = context_for(email)
        context["firm"] = firm_policy().firm
        context = localized_context(email.template, context)
        return RenderedEmail(
            subject=header_text(context["subject"]),
            text=render_template(f"email/{email.template}.txt", **context),
            html=render_template(f"email/{email.template}.html", **context),
            unsubscribe_url=context["unsubscribe_url"],
        )


def header_text(value: str | None) -> str:
    """One clean line for a header: whitespace runs (CR, LF too) become one space."""
    text = value or ""
    if text.isascii() and text.isprintable():
        # Nothing to normalise or drop, and no white space but the space.
        return _SPACE_RUNS.sub(" ", text).strip()[:HEADER_TEXT_LIMIT]
    kept = "".join(
        " " if char.isspace() else char
        for char in unicodedata.normalize("NFC", text)
        if char.isspace() or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    return _SPACE_RUNS.sub(" ", kept).strip()[:HEADER_TEXT_LIMIT]


def mailbox(name: str | None, address: str) -> Address:
    """A header address: a cleaned display name, the domain in IDNA (ASCII) form."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or not _printable(local):
        raise UnbuildableMessageError("the recipient's address is not a valid address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
        return Address(
            display_name=header_text(name), username=local, domain=ascii_domain
        )
    except (UnicodeError, ValueError, MessageError) as exc:
        raise UnbuildableMessageError(
            f"the recipient's address cannot be encoded: {type(exc).__name__}"
        ) from exc


def sender_mailbox() -> Address:
    """MAIL_FROM as a header address."""
    return _mailbox_of(current_app.config["MAIL_FROM"])


@lru_cache(maxsize=8)
def _mailbox_of(mail_from: str) -> Address:
    # Parsed once per setting, not once per message; an Address is immutable.
    name, address = parseaddr(mail_from)
    return mailbox(name, address)


def build_message(
    email: OutboundEmail, rendered: RenderedEmail, message_id: str
) -> Envelope:
    """Assemble the message (text first, HTML alternative) as it goes out."""
    candidate = email.application.candidate
    to = mailbox(
        _full_name(candidate.first_name, candidate.last_name), candidate.email or ""
    )
    headers: list[tuple[str, HeaderValue]] = [("To", to)]
    reply_to = _reply_to(email, firm_policy())
    if reply_to is not None:
        headers.append(("Reply-To", reply_to))
    # RFC 8058 one-click unsubscribe: mail clients POST to this URL, no cookies.
    headers.append(("List-Unsubscribe", f"<{rendered.unsubscribe_url}>"))
    headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    return _assemble(
        rendered.subject, message_id, headers, rendered.text, rendered.html
    )


def staff_message(
    to: Address, subject: str, text: str, html: str | None, message_id: str
) -> Envelope:
    """An email to someone at the firm (alert, digest, sign-in link)."""
    return _assemble(header_text(subject), message_id, [("To", to)], text, html)


def send(message: Envelope, claim: Claim | None = None) -> bool:
    """Send with the app's settings: SMTP_URL, else a file in the mail folder.

    `claim` runs after RCPT TO, right before DATA; see `transport.send_message`.
    """
    config = current_app.config
    return send_message(
        message,
        config["SMTP_URL"],
        config["MAIL_DIR"],
        claim=claim,
        timeout=_smtp_timeout(),
        connection=g.get(_JOB_CONNECTION),
    )


@contextmanager
def one_connection() -> Iterator[None]:
    """Send every message inside the block over one SMTP connection.

    Each message still runs its own claim before DATA; see `SmtpConnection`.
    """
    url = current_app.config["SMTP_URL"]
    if not url or g.get(_JOB_CONNECTION) is not None:
        yield  # files need no connection; an outer block already holds one
        return
    with SmtpConnection(SmtpSettings.from_url(url), _smtp_timeout()) as connection:
        setattr(g, _JOB_CONNECTION, connection)
        try:
            yield
        finally:
            g.pop(_JOB_CONNECTION, None)


def _smtp_timeout() -> float:
    return float(current_app.config.get("SMTP_TIMEOUT", SMTP_TIMEOUT_SECONDS))


def job_timeout(emails: int = 1) -> int:
    """The worker's time limit for a job sending `emails` emails (see SMTP_TIMEOUT)."""
    return mail_job_timeout(
        emails, current_app.config.get("SMTP_TIMEOUT", SMTP_TIMEOUT_SECONDS)
    )


def new_message_id(email_id: int) -> str:
    """A Message-ID unique to this email, on the sender's domain."""
    domain = _message_id_domain(current_app.config["MAIL_FROM"])
    return f"<followup.{email_id}.{uuid.uuid4().hex}@{domain}>"


@lru_cache(maxsize=8)
def _message_id_domain(mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = ""
    return domain or "localhost"


def _assemble(
    subject: str,
    message_id: str,
    headers: list[tuple[str, HeaderValue]],
    text: str,
    html: str | None,
) -> Envelope:
    """The envelope of a message with these headers and bodies, bytes included.

    Plain addresses get the bytes written directly (`mail/mime.py`); one that needs
    SMTPUTF8 or quoting is built with the `email` package, as before.
    """
    sender = sender_mailbox()
    headers = [
        ("Subject", subject),
        ("From", sender),
        ("Message-ID", message_id),
        ("Date", format_datetime(clock.now())),
        *headers,
    ]
    addresses = [value for _, value in headers if isinstance(value, Address)]
    try:
        if not all(plain_address(address) for address in addresses):
            return envelope_of(_email_message(headers, text, html))
        payload = compose([header_lines(*header) for header in headers], text, html)
    except (ValueError, TypeError, MessageError) as exc:
        raise UnbuildableMessageError(
            f"the message cannot be built: {type(exc).__name__}"
        ) from exc
    return Envelope(
        sender=sender.addr_spec,
        recipients=tuple(
            value.addr_spec
            for name, value in headers
            if name == "To" and isinstance(value, Address)
        ),
        message_id=message_id,
        payload=payload,
        smtputf8=False,
    )


def _email_message(
    headers: list[tuple[str, HeaderValue]], text: str, html: str | None
) -> EmailMessage:
    message = EmailMessage()
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _reply_to(email: OutboundEmail, policy: Policy) -> Address | str | None:
    recruiter = email.application.recruiter
    if recruiter is not None:
        return mailbox(recruiter.name, recruiter.email)
    return policy.firm.reply_to or None


def _printable(text: str) -> bool:
    return not any(c.isspace() or unicodedata.category(c)[0] == "C" for c in text)


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)
