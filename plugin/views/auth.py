"""Sign-in for the firm's staff: a link by email, spent once, then a session."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from plugin.extensions.limits import (
    client_address,
    limiter,
    refusal_of,
    setting,
    sign_in_address,
)
from plugin.extensions.queues import MAIL_QUEUE, SEND_LOGIN_EMAIL, enqueue
from plugin.mail.links import LINKED_PAGES
from plugin.mail.messages import job_timeout
from plugin.operations.accounts import find_user, new_login_link, use_login_link
from plugin.views.common import Page, clear_session, start_session
from plugin.views.forms import ConfirmForm, LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    setting("RATE_LIMIT_SIGN_IN"),
    key_func=sign_in_address,
    methods=["POST"],
    scope="sign_in_per_address",
    on_breach=refusal_of("sign_in_per_address"),
)
@limiter.limit(
    setting("RATE_LIMIT_SIGN_IN"),
    key_func=client_address,
    methods=["POST"],
    scope="sign_in_per_ip",
    on_breach=refusal_of("sign_in_per_ip"),
)
def login() -> Page:
    """Ask for a sign-in link; the answer is the same whether the email is known."""
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("dashboard/login.html", form=form), status
    user = find_user(form.email.data)
    link = new_login_link(user) if user else None
    if link is not None:
        enqueue(
            MAIL_QUEUE,
            SEND_LOGIN_EMAIL,
            link.id,
            job_id=f"login-{link.id}",
            timeout=job_timeout(1),
        )
    return render_template("dashboard/login_sent.html"), 200


@bp.get(LINKED_PAGES["auth.confirm_login"])
def confirm_login(token: str) -> Page:
    """A button, not a login: mail scanners open links, and the link works once."""
    return render_template(
        "dashboard/login_confirm.html", token=token, form=ConfirmForm()
    ), 200


@bp.post("/login/<token>")
def finish_login(token: str) -> Page:
    """Spend the link and start the session."""
    user = use_login_link(token) if ConfirmForm().validate_on_submit() else None
    if user is None:
        return render_template("dashboard/login_failed.html"), 400
    start_session(user)
    return redirect(url_for("dashboard.applications"), code=303)


@bp.post("/logout")
def logout() -> BaseResponse:
    """End the session."""
    clear_session()
    return redirect(url_for("auth.login"), code=303)
