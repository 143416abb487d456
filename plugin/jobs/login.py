"""The login-link job: email a recruiter their magic link."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template

from .. import clock
from ..auth import LOGIN_LIFETIME, login_token
from ..emails import new_message_id
from ..extensions import db
from ..mail import send_message
from ..models import LoginLink, User


def send_login_email(link_id: int) -> None:
    """Send the link; an unused one expires on its own."""
    link = db.session.get(LoginLink, link_id)
    if link is None or link.used_at is not None:
        return
    user = db.session.get(User, link.user_id)
    assert user is not None
    url = f"{current_app.config['BASE_URL']}/login/{login_token(link_id)}"
    minutes = int(LOGIN_LIFETIME.total_seconds() // 60)
    message = EmailMessage()
    message["Subject"] = "Your sign-in link for Follow-Up Coach"
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Message-ID"] = new_message_id(link_id)
    message["Date"] = format_datetime(clock.now())
    message.set_content(
        render_template(
            "email/login_link.txt",
            url=url,
            minutes=minutes,
            firm=current_app.config["POLICY"].firm,
        )
    )
    send_message(
        message, current_app.config["SMTP_URL"], current_app.config["MAIL_DIR"]
    )
