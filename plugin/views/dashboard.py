"""The recruiters' dashboard: server-rendered pages behind a magic-link login."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from plugin import clock
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.mail.coaching import role_phrase
from plugin.mail.messages import render_email
from plugin.models import (
    Application,
    EmailStatus,
    OutboundEmail,
    TimelineKind,
    Touchpoint,
    User,
)
from plugin.models.zones import zone_of
from plugin.operations import actions
from plugin.operations.accounts import (
    application_for_user,
    recruiter_of,
)
from plugin.operations.applications import application_rows
from plugin.operations.digest import build_digest, recruiter_zone
from plugin.operations.events import recruiter_by_email
from plugin.operations.mail_problems import staff_bounces
from plugin.operations.notes import shared_notes
from plugin.operations.outbox import settle_unknown
from plugin.operations.planning import (
    add_to_timeline,
    replan,
    set_decision_deadline,
)
from plugin.operations.preview import preview_application
from plugin.views.common import Page, login_required, signed_in_user
from plugin.views.forms import (
    ConfirmForm,
    DeadlineForm,
    PauseForm,
    ReassignForm,
)

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@login_required
def applications() -> Page:
    """Active applications, each with its next step: a constant number of queries."""
    user = signed_in_user()
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


@bp.get("/dashboard/digest")
@login_required
def digest() -> Page:
    """Today's digest, as the morning email shows it."""
    recruiter = recruiter_of(signed_in_user())
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
        shared_notes=shared_notes(found),
        steps=[s.value for s in Step],
        user=signed_in_user(),
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
            form.until.data, time(0), zone_of(found, firm_policy())
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
    replan(found, firm_policy())
    db.session.commit()
    flash("Deadline saved; the check-in follows it.", "success")
    return _back(found)


@bp.post("/dashboard/applications/<int:application_id>/reassign")
@login_required
def reassign(application_id: int) -> BaseResponse:
    """Move the application to another recruiter (admins only)."""
    user = signed_in_user()
    if not user.is_admin:
        abort(403)
    found = _visible(application_id)
    form = ReassignForm()
    if not form.validate_on_submit():
        abort(400)
    found.recruiter = recruiter = recruiter_by_email(form.recruiter_email.data)
    email = recruiter.email
    add_to_timeline(
        found.id,
        TimelineKind.REASSIGNED,
        None,
        f"moved to recruiter {email} by an admin",
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


def _visible(application_id: int) -> Application:
    found = application_for_user(signed_in_user(), application_id)
    if found is None:
        abort(404)  # not 403: whether it exists is not for others to learn
    return found


def _zone(user: User) -> Any:
    return recruiter_zone(recruiter_of(user))


def _back(found: Application) -> BaseResponse:
    return redirect(url_for("dashboard.application", application_id=found.id), code=303)
