"""Helpers for tests that act as a recruiter: real sign-in, through the emailed link."""

from __future__ import annotations

import re

from plugin.operations.accounts import create_user
from tests.support.forms import csrf_token


def sign_in(client, smtp, email: str, admin: bool = False, run_jobs=None):
    """Create the user, ask for a link, and follow it from the email received."""
    create_user(email, is_admin=admin)
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_token(page.text), "email": email})
    if run_jobs is not None:
        run_jobs()
    link = login_link(smtp, email)
    confirm = client.get(link)
    answer = client.post(link, data={"csrf_token": csrf_token(confirm.text)})
    assert answer.status_code == 303, answer.text
    return link


def login_link(smtp, email: str) -> str:
    """The path of the newest sign-in link emailed to `email`."""
    for message in reversed(smtp.messages):
        if str(message["To"]) == email:
            body = message.get_body(("plain",)).get_content()
            return re.search(r"http://localhost(/login/\S+)", body).group(1)
    raise AssertionError(f"no sign-in email to {email}")
