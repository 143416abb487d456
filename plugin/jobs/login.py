"""The login-link job: email a recruiter their magic link."""

from __future__ import annotations

from flask import render_template

from plugin.config import firm_policy
from plugin.extensions import db
from plugin.mail.links import external_url
from plugin.mail.messages import send, staff_message
from plugin.models import LoginLink, User
from plugin.operations.accounts import LOGIN_LIFETIME, login_token


def send_login_email(link_id: int) -> None:
    """Send the link; an unused one expires on its own."""
    link = db.session.get(LoginLink, link_id)
    if link is None or link.used_at is not None:
        return
    user = db.session.get(User, link.user_id)
    assert user is not None
    url = external_url("auth.confirm_login", token=login_token(link_id))
    minutes = int(LOGIN_LIFETIME.total_seconds() // 60)
    text = render_template(
        "email/login_link.txt",
        url=url,
        minutes=minutes,
        firm=firm_policy().firm,
    )
    message = staff_message(
        user.email, "Your sign-in link for Follow-Up Coach", text, None, link_id
    )
    send(message)
