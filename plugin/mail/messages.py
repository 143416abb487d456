"""What each candidate email says: the facts it needs, and the rendered message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from flask import current_app, render_template

from plugin import clock
from plugin.config import firm_policy
from plugin.config.policy import Policy
from plugin.mail.coaching import context_for
from plugin.mail.links import unsubscribe_url
from plugin.mail.transport import send_message
from plugin.models import OutboundEmail


@dataclass(frozen=True)
class RenderedEmail:
    """Subject and both bodies of one email."""

    subject: str
    text: str
    html: str


def render_email(email: OutboundEmail) -> RenderedEmail:
    """Render the email's template with the facts we hold right now."""
    context = context_for(email)
    context["firm"] = firm_policy().firm
    return RenderedEmail(
        subject=context["subject"],
        text=render_template(f"email/{email.template}.txt", **context),
        html=render_template(f"email/{email.template}.html", **context),
    )


def build_message(
    email: OutboundEmail, rendered: RenderedEmail, message_id: str
) -> EmailMessage:
    """Assemble the MIME message (text first, HTML alternative)."""
    application = email.application
    candidate = application.candidate
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr(
        (_full_name(candidate.first_name, candidate.last_name), candidate.email or "")
    )
    reply_to = _reply_to(email, firm_policy())
    if reply_to:
        message["Reply-To"] = reply_to
    message["Message-ID"] = message_id
    # RFC 8058 one-click unsubscribe: mail clients POST to this URL, no cookies.
    message["List-Unsubscribe"] = f"<{unsubscribe_url(application.id)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Date"] = format_datetime(clock.now())
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def staff_message(
    to: str, subject: str, text: str, html: str | None, id_seed: int
) -> EmailMessage:
    """An email to someone at the firm (alert, digest, sign-in link)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Message-ID"] = new_message_id(id_seed)
    message["Date"] = format_datetime(clock.now())
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage) -> None:
    """Send with the app's settings: SMTP_URL, else a file in the mail folder."""
    send_message(
        message, current_app.config["SMTP_URL"], current_app.config["MAIL_DIR"]
    )


def new_message_id(email_id: int) -> str:
    """A Message-ID unique to this email, on the sender's domain."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
    return f"<followup.{email_id}.{uuid.uuid4().hex}@{domain or 'localhost'}>"


def _reply_to(email: OutboundEmail, policy: Policy) -> str | None:
    recruiter = email.application.recruiter
    if recruiter is not None:
        return formataddr((recruiter.name or "", recruiter.email))
    return policy.firm.reply_to or None


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)
