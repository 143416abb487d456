"""The recruiters' dashboard: server-rendered pages behind a magic-link login."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.wrappers import Response as BaseResponse

from plugin import clock
from plugin.cadence.steps import Step
from plugin.extensions import db
from plugin.extensions.queues import MAIL_QUEUE, SEND_LOGIN_EMAIL, enqueue
from plugin.mail.coaching import role_phrase
from plugin.mail.messages import job_timeout, render_email
from plugin.models import (
    Application,
    ApplicationStatus,
    EmailStatus,
    OutboundEmail,
    Touchpoint,
    TouchpointStatus,
    User,
)
from plugin.operations import actions
from plugin.operations.accounts import (
    application_for_user,
    current_user,
    find_user,
    login_required,
    new_login_link,
    recruiter_of,
    use_login_link,
    visible_applications,
)
from plugin.operations.digest import build_digest, recruiter_zone
from plugin.operations.events import recruiter_by_email
from plugin.operations.mail_problems import staff_bounces
from plugin.operations.outbox import settle_unknown
from plugin.operations.planning import (
    add_to_timeline,
    replan,
    set_decision_deadline,
    zone_of,
)
from plugin.operations.preview import preview_application
from plugin.views.forms import (
    ConfirmForm,
    DeadlineForm,
    LoginForm,
    PauseForm,
    ReassignForm,
)

bp = Blueprint("dashboard", __name__)

Page = tuple[str, int] | BaseResponse


@bp.route("/login", methods=["GET", "POST"])
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


@bp.get("/login/<token>")
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
    _clear_session()
    session["user_id"] = user.id
    return redirect(url_for("dashboard.applications"), code=303)


@bp.post("/logout")
def logout() -> BaseResponse:
    """End the session."""
    _clear_session()
    return redirect(url_for("dashboard.login"), code=303)


@bp.get("/dashboard")
@login_required
def applications() -> Page:
    """Active applications, each with its next step: a constant number of queries."""
    user = _user()
    rows = application_rows(user)
    # Staff mail is never suppressed: admins see refused staff addresses and fix them.
    bounces = staff_bounces() if user.is_admin else []
    return render_template(
        "dashboard/applications.html",
        rows=rows,
        user=user,
        zone=_zone(user),
        bounces=bounces,
    ), 200


def application_rows(user: User) -> list[dict[str, Any]]:
    """The list behind the dashboard and the API (two queries, whatever the size)."""
    found = (
        db.session.scalars(
            visible_applications(user)
            .join(Application.candidate)
            .options(
                contains_eager(Application.candidate), joinedload(Application.recruiter)
            )
            .where(Application.status == ApplicationStatus.ACTIVE)
            .order_by(Application.id)
        )
        .unique()
        .all()
    )
    next_steps = _next_steps([a.id for a in found])
    return [
        {
            "application": a,
            "candidate": " ".join(
                p for p in (a.candidate.first_name, a.candidate.last_name) if p
            )
            or f"Candidate {a.candidate_id}",
            "role": role_phrase(a.job_title, a.employer_name),
            "recruiter": a.recruiter.email if a.recruiter else None,
            "paused": a.is_paused(clock.now()),
            "heard_back": a.heard_back_at is not None,
            "next_step": next_steps.get(a.id, (None, None))[0],
            "next_due": next_steps.get(a.id, (None, None))[1],
        }
        for a in found
    ]


def _next_steps(application_ids: list[int]) -> dict[int, tuple[str, datetime]]:
    """Each application's earliest planned step, in one windowed query."""
    if not application_ids:
        return {}
    ranked = (
        select(
            Touchpoint.application_id,
            Touchpoint.step,
            Touchpoint.due_at,
            func.row_number()
            .over(partition_by=Touchpoint.application_id, order_by=Touchpoint.due_at)
            .label("rank"),
        )
        .where(
            Touchpoint.status == TouchpointStatus.PLANNED,
            Touchpoint.application_id.in_(application_ids),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.application_id, ranked.c.step, ranked.c.due_at).where(
            ranked.c.rank == 1
        )
    ).all()
    return {row.application_id: (row.step, row.due_at) for row in rows}


@bp.get("/dashboard/digest")
@login_required
def digest() -> Page:
    """Today's digest, as the morning email shows it."""
    recruiter = recruiter_of(_user())
    if recruiter is None:
        return render_template("dashboard/digest.html", content=None), 200
    return render_template(
        "dashboard/digest.html", content=build_digest(recruiter, clock.now())
    ), 200


@bp.get("/dashboard/applications/<int:application_id>")
@login_required
def application(application_id: int) -> Page:
    """One application: its timeline, its emails, and what the recruiter can change."""
    found = _visible(application_id)
    unknown = db.session.scalars(
        select(OutboundEmail).filter_by(
            application_id=found.id, status=EmailStatus.UNKNOWN
        )
    ).all()
    return render_template(
        "dashboard/application.html",
        application=found,
        preview=preview_application(found),
        unknown=unknown,
        steps=[s.value for s in Step],
        user=_user(),
        confirm_form=ConfirmForm(),
        pause_form=PauseForm(formdata=None),
        deadline_form=DeadlineForm(formdata=None),
        reassign_form=ReassignForm(formdata=None),
        paused=found.is_paused(clock.now()),
        role=role_phrase(found.job_title, found.employer_name),
    ), 200


@bp.post("/dashboard/applications/<int:application_id>/pause")
@login_required
def pause(application_id: int) -> BaseResponse:
    """Pause the cadence (until a date, or until resumed)."""
    found = _visible(application_id)
    form = PauseForm()
    if not form.validate_on_submit():
        abort(400)
    until = None
    if form.until.data:
        until = datetime.combine(
            form.until.data, time(0), zone_of(found, current_app.config["POLICY"])
        )
    actions.pause(found, until, who="recruiter")
    flash("Paused.", "success")
    return _back(found)


@bp.post("/dashboard/applications/<int:application_id>/resume")
@login_required
def resume(application_id: int) -> BaseResponse:
    """Resume the cadence."""
    found = _visible(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    actions.resume(found, who="recruiter")
    flash("Resumed.", "success")
    return _back(found)


@bp.post("/dashboard/applications/<int:application_id>/deadline")
@login_required
def deadline(application_id: int) -> BaseResponse:
    """Set the employer's decision deadline (most recent wins)."""
    found = _visible(application_id)
    form = DeadlineForm()
    if not form.validate_on_submit():
        abort(400)
    set_decision_deadline(found, form.decision_deadline.data, "recruiter")
    replan(found, current_app.config["POLICY"])
    db.session.commit()
    flash("Deadline saved; the check-in follows it.", "success")
    return _back(found)


@bp.post("/dashboard/applications/<int:application_id>/reassign")
@login_required
def reassign(application_id: int) -> BaseResponse:
    """Move the application to another recruiter (admins only)."""
    user = _user()
    if not user.is_admin:
        abort(403)
    found = _visible(application_id)
    form = ReassignForm()
    if not form.validate_on_submit():
        abort(400)
    found.recruiter = recruiter = recruiter_by_email(form.recruiter_email.data)
    email = recruiter.email
    add_to_timeline(
        found.id, "reassigned", None, f"moved to recruiter {email} by an admin"
    )
    db.session.commit()
    flash(f"Moved to {email}.", "success")
    return _back(found)


@bp.post("/dashboard/emails/<int:email_id>/resolve")
@login_required
def resolve(email_id: int) -> BaseResponse:
    """Settle an email whose outcome is unknown: it went out, or try it again."""
    email = db.session.get(OutboundEmail, email_id)
    if email is None or email.status != EmailStatus.UNKNOWN:
        abort(404)
    found = _visible(email.application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    delivered = request.form.get("outcome") == "sent"
    settle_unknown(email, delivered)
    flash("Marked as delivered." if delivered else "It will be sent again.", "success")
    return _back(found)


@bp.get("/dashboard/applications/<int:application_id>/emails/<step>")
@login_required
def preview_email(application_id: int, step: str) -> Response:
    """A candidate email exactly as it will be sent (HTML, or ?part=text)."""
    found = _visible(application_id)
    if step not in {s.value for s in Step}:
        abort(404)
    touchpoint = db.session.scalars(
        select(Touchpoint)
        .filter_by(application_id=found.id, step=step)
        .order_by(Touchpoint.due_at.desc())
        .limit(1)
    ).first()
    if touchpoint is None:
        abort(404)
    # Never added to the session: rendered from the same facts, then forgotten.
    with db.session.no_autoflush:
        draft = OutboundEmail(application=found, template=step, touchpoint=touchpoint)
        rendered = render_email(draft)
    if request.args.get("part") == "text":
        return Response(rendered.text, mimetype="text/plain")
    return Response(rendered.html, mimetype="text/html")


def _clear_session() -> None:
    session.clear()
    # What this request cached from the old session goes with it.
    g.pop("csrf_token", None)
    g.pop("user", None)


def _user() -> User:
    user = current_user()
    assert user is not None  # login_required ran first
    return user


def _visible(application_id: int) -> Application:
    found = application_for_user(_user(), application_id)
    if found is None:
        abort(404)  # not 403: whether it exists is not for others to learn
    return found


def _zone(user: User) -> Any:
    return recruiter_zone(recruiter_of(user))


def _back(found: Application) -> BaseResponse:
    return redirect(url_for("dashboard.application", application_id=found.id), code=303)
