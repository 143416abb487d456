"""Unsubscribe links: a GET shows a page, only a POST stops emails (RFC 8058).

Mail scanners follow links, so a GET never changes anything. Mail clients send the
one-click POST without cookies: it is exempt from CSRF, and bound to its token.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from plugin.extensions.limits import limiter, link_token, refusal_of
from plugin.mail.links import LINKED_PAGES, UNSUBSCRIBE
from plugin.operations import actions
from plugin.views.common import LinkProblem, application_for, link_problem

bp = Blueprint("unsubscribe", __name__)
bp.register_error_handler(LinkProblem, link_problem)

# Per link only, and generously: one-click POSTs come from mailbox providers' servers,
# where one address speaks for many people, and an opt-out must never wait.
UNSUBSCRIBE_LIMIT = "30 per minute"
limiter.limit(
    UNSUBSCRIBE_LIMIT,
    key_func=link_token,
    methods=["POST"],
    on_breach=refusal_of("unsubscribe_per_token"),
)(bp)


@bp.get(LINKED_PAGES["unsubscribe.confirm"])
def confirm(token: str) -> tuple[str, int]:
    """Ask which emails to stop."""
    application = application_for(token, UNSUBSCRIBE)
    return render_template(
        "plan/unsubscribe.html", token=token, application=application
    ), 200


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> tuple[str, int]:
    """Stop emails for this application (or all of them); repeating is harmless."""
    application = application_for(token, UNSUBSCRIBE)
    if request.form.get("scope") == "all":
        actions.stop_everything(application.candidate, "unsubscribe link")
        scope = "all"
    else:
        # Both the one-click POST (List-Unsubscribe=One-Click) and the page's button.
        actions.stop_application(application, "unsubscribe link")
        scope = "application"
    return render_template(
        "plan/unsubscribed.html", scope=scope, application=application
    ), 200
