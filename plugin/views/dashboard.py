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
from wtforms import Form

from plugin import clock
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.mail.links import LINKED_PAGES
from plugin.mail.messages import render_email
from plugin.models import (
    Actor,
    Application,
    EmailStatus,
    OutboundEmail,
    Recruiter,
    TimelineKind,
    Touchpoint,
    User,
)
from plugin.models.zones import employer_zone_of, zone_of
from plugin.operations import actions
from plugin.operations.accounts import (
    application_for_user,
    find_user,
    recruiter_of,
)
from plugin.operations.applications import (
    recruiters_for_filter,
    search_applications,
    todays_buckets,
)
from plugin.operations.digest import (
    build_digest,
    recruiter_zone,
    set_digest_frequency,
)
from plugin.operations.events import recruiter_by_email
from plugin.operations.mail_problems import staff_bounces
from plugin.operations.notes import shared_notes
from plugin.operations.outbox import settle_unknown
from plugin.operations.outcomes import etiquette_outcomes
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
    DigestSettingsForm,
    PauseForm,
    ReassignForm,
)
from plugin.views.pictures import (
    Strip,
    draw_histogram,
    draw_share,
    draw_strip,
    strip_marks,
    when,
)
from plugin.views.queries import (
    OutcomesQuery,
    RecruiterQuery,
    SearchQuery,
    problems,
)

bp = Blueprint("dashboard", __name__)
# Counts are always whole; a firm-wide bucket lists only its most pressing rows.
BUCKET_ROWS_SHOWN = 50


@bp.get("/dashboard")
@login_required
def today() -> Page:
    """The first screen: who needs the reader today, bucket by bucket."""
    user = signed_in_user()
    query = RecruiterQuery(request.args, user.is_admin)
    if not query.validate():
        return _bad_query("dashboard/today.html", query, user)
    zone = _zone(user)
    buckets = todays_buckets(user, clock.now(), zone, query.recruiter.data)
    # Staff mail is never suppressed: admins see refused staff addresses and fix them.
    bounces = staff_bounces() if user.is_admin else []
    return render_template(
        "dashboard/today.html",
        buckets=buckets,
        rows_shown=BUCKET_ROWS_SHOWN,
        query=query,
        recruiters=recruiters_for_filter() if user.is_admin else [],
        user=user,
        zone=zone,
        today=clock.now().astimezone(zone),
        when=when,
        bounces=bounces,
    ), 200


@bp.get(LINKED_PAGES["dashboard.applications"])
@login_required
def applications() -> Page:
    """Search by candidate, employer or job; filter by state (and recruiter)."""
    user = signed_in_user()
    query = SearchQuery(request.args, user.is_admin)
    if not query.validate():
        return _bad_query("dashboard/applications.html", query, user)
    results = search_applications(user, query.search())
    return render_template(
        "dashboard/applications.html",
        results=results,
        query=query,
        search=query.search(),
        recruiters=recruiters_for_filter() if user.is_admin else [],
        user=user,
        zone=_zone(user),
        when=when,
    ), 200


@bp.get("/dashboard/outcomes")
@login_required
def outcomes() -> Page:
    """The etiquette's outcomes: firm-wide for admins, their own for recruiters."""
    user = signed_in_user()
    query = OutcomesQuery(request.args, user.is_admin)
    if not query.validate():
        return _bad_query("dashboard/outcomes.html", query, user)
    measured = etiquette_outcomes(
        user, query.recruiter.data, query.period(), _zone(user)
    )
    return render_template(
        "dashboard/outcomes.html",
        outcomes=measured,
        thank_you=draw_share(measured.thank_you_on_time),
        check_in=draw_share(measured.check_in_after_deadline),
        decision_chart=draw_histogram(measured.decision_times.bins),
        query=query,
        recruiters=recruiters_for_filter() if user.is_admin else [],
        user=user,
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


@bp.get(LINKED_PAGES["dashboard.application"])
@login_required
def application(application_id: int) -> Page:
    """One application: its timeline, its emails, and what the recruiter can change."""
    found = _visible(application_id)
    unknown = db.session.scalars(
        select(OutboundEmail).filter_by(
            application_id=found.id, status=EmailStatus.UNKNOWN
        )
    ).all()
    preview = preview_application(found)
    zone = _zone(signed_in_user())
    return render_template(
        "dashboard/application.html",
        application=found,
        preview=preview,
        strip=_strip(found, preview, zone),
        zone=zone,
        unknown=unknown,
        shared_notes=shared_notes(found),
        steps=[s.value for s in Step],
        user=signed_in_user(),
        confirm_form=ConfirmForm(),
        pause_form=PauseForm(formdata=None),
        deadline_form=DeadlineForm(formdata=None),
        reassign_form=ReassignForm(formdata=None),
        paused=found.is_paused(clock.now()),
        role=found.role_label,
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
    actions.pause(found, until, Actor.staff(signed_in_user()))
    flash("Paused.", "success")
    return _back(found)


@bp.post("/dashboard/applications/<int:application_id>/resume")
@login_required
def resume(application_id: int) -> BaseResponse:
    """Resume the cadence."""
    found = _visible(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    actions.resume(found, Actor.staff(signed_in_user()))
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
    set_decision_deadline(
        found, form.decision_deadline.data, "recruiter", Actor.staff(signed_in_user())
    )
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
    target = find_user(form.recruiter_email.data)
    if target is not None and target.is_disabled:
        # It would show as unassigned at once: nobody would look after it.
        flash(f"{target.email} is disabled; choose someone else.", "error")
        return _back(found)
    found.recruiter = recruiter = recruiter_by_email(form.recruiter_email.data)
    email = recruiter.email
    add_to_timeline(
        found.id,
        TimelineKind.REASSIGNED,
        None,
        f"moved to recruiter {email}",
        Actor.staff(user),
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
    settle_unknown(email, delivered, Actor.staff(signed_in_user()))
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
    """The reader's zone: their recruiter record's, else the firm's."""
    return recruiter_zone(recruiter_of(user))


def _strip(found: Application, preview: dict[str, Any], zone: Any) -> Strip:
    """The application's timeline strip, drawn from what its page already loaded."""
    now = clock.now()
    deadline_zone = employer_zone_of(found, firm_policy())
    return draw_strip(
        strip_marks(found, preview["steps"], deadline_zone, now), now, zone
    )


def _bad_query(template: str, query: Form, user: User) -> Page:
    """The page, with what was wrong in its query string, and nothing else."""
    return render_template(
        template, query=query, problems=problems(query), user=user
    ), 400


def _back(found: Application) -> BaseResponse:
    return redirect(url_for("dashboard.application", application_id=found.id), code=303)


@bp.route(LINKED_PAGES["dashboard.settings"], methods=["GET", "POST"])
@login_required
def settings() -> Page:
    """The signed-in recruiter's own settings: a daily or a weekly digest."""
    recruiter = recruiter_of(signed_in_user())
    if request.method == "GET":
        current = recruiter.digest_frequency if recruiter else None
        form = DigestSettingsForm(formdata=None, data={"frequency": current})
        return _settings_page(form, recruiter, 200)
    form = DigestSettingsForm()
    if recruiter is None:
        return _settings_page(form, None, 404)  # no digest to set
    if not form.validate_on_submit():
        return _settings_page(form, recruiter, 400)
    set_digest_frequency(recruiter, form.frequency.data)
    flash(f"Your digest now comes {_frequency_phrase(form.frequency.data)}.", "success")
    return redirect(url_for("dashboard.settings"), code=303)


def _settings_page(
    form: DigestSettingsForm, recruiter: Recruiter | None, status: int
) -> Page:
    return render_template(
        "dashboard/settings.html", form=form, recruiter=recruiter
    ), status


def _frequency_phrase(frequency: str) -> str:
    return (
        "once a week, on Monday morning" if frequency == "weekly" else "every morning"
    )
