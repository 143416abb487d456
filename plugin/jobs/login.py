"""The login-link job: email a recruiter their magic link.

A link lives minutes, so a failed send is not retried: the person asks again. Every
failure is logged with its reason; a refused address is shown to admins, and a
refused sender makes `/healthz` report the configuration error.
"""

from __future__ import annotations

import logging

from flask import render_template

from plugin.config import firm_policy
from plugin.extensions import db
from plugin.mail.links import external_url
from plugin.mail.messages import mailbox, new_message_id, send, staff_message
from plugin.mail.transport import (
    DeliveryError,
    MailConfigurationError,
    RecipientRefusedError,
    UnbuildableMessageError,
)
from plugin.models import LoginLink, User
from plugin.operations.accounts import LOGIN_LIFETIME, login_token
from plugin.operations.mail_problems import (
    record_configuration_error,
    record_staff_bounce,
)

log = logging.getLogger(__name__)

MAIL_KIND = "sign-in link"


def send_login_email(link_id: int) -> None:
    """Send the link; an unused one expires on its own."""
    link = db.session.get(LoginLink, link_id)
    if link is None or link.used_at is not None:
        return
    user = db.session.get(User, link.user_id)
    assert user is not None
    url = external_url("auth.confirm_login", token=login_token(link_id))
    minutes = int(LOGIN_LIFETIME.total_seconds() // 60)
    context = {"url": url, "minutes": minutes, "firm": firm_policy().firm}
    text = render_template("email/login_link.txt", **context)
    subject = render_template("email/login_link_subject.txt", **context).strip()
    try:
        message = staff_message(
            mailbox(None, user.email),
            subject,
            text,
            None,
            new_message_id(link_id),
        )
        send(message)
    except RecipientRefusedError as exc:
        record_staff_bounce(user.email, MAIL_KIND, str(exc))
        log.warning("sign-in link %s bounced: %s", link_id, exc)
    except MailConfigurationError as exc:
        record_configuration_error(MAIL_KIND, str(exc))
    except (UnbuildableMessageError, DeliveryError) as exc:
        log.warning("sign-in link %s not sent: %s", link_id, exc)
    else:
        log.info("sign-in link %s sent", link_id)
