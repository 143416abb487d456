"""The candidate's plan page: no login, one signed link per application."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from plugin import clock
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions.limits import (
    client_address,
    limiter,
    link_token,
    refusal_of,
    setting,
)
from plugin.mail.coaching import people_met
from plugin.mail.language import page_date, role_phrase
from plugin.mail.links import LINKED_PAGES
from plugin.models import CANDIDATE_ACTOR, Application, Touchpoint, TouchpointStatus
from plugin.models.notes import person_key
from plugin.models.zones import zone_of
from plugin.operations import actions
from plugin.operations.notes import save_note
from plugin.operations.planning import touchpoints_of
from plugin.operations.privacy import forget_candidate
from plugin.views.common import LinkProblem, Page, application_for, link_problem
from plugin.views.drafts import note_prefix, plan_drafts
from plugin.views.forms import (
    CompetingOfferForm,
    ConfirmForm,
    DeadlineForm,
    HeardBackForm,
    NotBefore,
    NoteForm,
    PauseForm,
    StopForm,
)

bp = Blueprint("plan", __name__)

STATUS_LABELS = {
    TouchpointStatus.PLANNED: _l("Coming up"),
    TouchpointStatus.QUEUED: _l("Coming up"),
    TouchpointStatus.SENT: _l("Sent to you"),
    TouchpointStatus.DONE: _l("You did this"),
    TouchpointStatus.SKIPPED: _l("Skipped"),
}
# The steps as the candidate reads them, in the candidate's language.
STEP_LABELS = {
    Step.THANK_YOU: _l("Thank-you notes to each person you met"),
    Step.HANDWRITTEN_NOTE: _l("A handwritten card (optional)"),
    Step.CHECK_IN: _l("One short check-in"),
    Step.MOVE_ON: _l("Move on: you have done your part"),
}


bp.register_error_handler(LinkProblem, link_problem)

# Every form on the page counts, per link and per client address; reading does not.
for _scope, _key in (("plan_per_token", link_token), ("plan_per_ip", client_address)):
    limiter.shared_limit(
        setting("RATE_LIMIT_PLAN"),
        scope=_scope,
        key_func=_key,
        methods=["POST"],
        on_breach=refusal_of(_scope),
    )(bp)


@bp.get(LINKED_PAGES["plan.show"])
def show(token: str) -> Page:
    """The plan, and everything the candidate can tell us."""
    return _page(token, application_for(token))


@bp.post("/plan/<token>/offer")
def report_offer(token: str) -> Page:
    """Another offer: guidance for the candidate, an alert for the recruiter."""
    application = application_for(token)
    form = CompetingOfferForm()
    form.offer_deadline.validators.append(NotBefore(_today(application)))
    if not form.validate_on_submit():
        return _page(token, application, offer_form=form)
    report = actions.report_competing_offer(
        application, form.employer.data, form.offer_deadline.data, form.note.data
    )
    if report.repeated:
        return _done(
            token,
            _("We already have this offer: the note we emailed you still applies."),
        )
    if application.recruiter_id:
        return _done(
            token,
            _(
                "Thanks. We've emailed you a short note you can send, "
                "and told your recruiter."
            ),
        )
    return _done(token, _("Thanks. We've emailed you a short note you can send."))


@bp.post("/plan/<token>/heard-back")
def report_heard_back(token: str) -> Page:
    """The employer answered: the reminders for this application stop."""
    application = application_for(token)
    form = HeardBackForm()
    if not form.validate_on_submit():
        return _page(token, application, heard_form=form)
    actions.report_heard_back(application, form.outcome.data)
    return _done(
        token,
        _("Thanks for letting us know. The reminders for this role have stopped."),
    )


@bp.post("/plan/<token>/deadline")
def report_deadline(token: str) -> Page:
    """The employer gave a decision date: the check-in moves to match."""
    application = application_for(token)
    form = DeadlineForm()
    if not form.validate_on_submit():
        return _page(token, application, deadline_form=form)
    actions.report_deadline(application, form.decision_deadline.data)
    return _done(token, _("Thanks. Your plan now follows that date."))


@bp.post("/plan/<token>/steps/<int:touchpoint_id>/done")
def mark_done(token: str, touchpoint_id: int) -> Page:
    """The candidate did a step already; we won't remind them of it."""
    application = application_for(token)
    if not ConfirmForm().validate_on_submit():
        return _page(token, application, status=400)
    if not actions.mark_step_done(application, touchpoint_id):
        flash(_("That step can no longer be changed."), "error")
        return redirect(url_for("plan.show", token=token), code=303)
    return _done(token, _("Marked as done. We won't remind you of it."))


@bp.post("/plan/<token>/pause")
def pause(token: str) -> Page:
    """Hold the coaching, until a date or until resumed."""
    application = application_for(token)
    form = PauseForm()
    form.until.validators.append(NotBefore(_today(application)))
    if not form.validate_on_submit():
        return _page(token, application, pause_form=form)
    until = None
    if form.until.data is not None:
        until = datetime.combine(
            form.until.data, time(0), zone_of(application, firm_policy())
        )
    actions.pause(application, until)
    if form.until.data is None:
        return _done(
            token,
            _("Paused. You won't get reminders about this role until you resume."),
        )
    return _done(
        token,
        _(
            "Paused. You won't get reminders about this role until %(day)s.",
            day=page_date(form.until.data),
        ),
    )


@bp.post("/plan/<token>/resume")
def resume(token: str) -> Page:
    """Take up the coaching again."""
    application = application_for(token)
    if not ConfirmForm().validate_on_submit():
        return _page(token, application, status=400)
    actions.resume(application)
    return _done(token, _("Welcome back: your plan is running again."))


@bp.post("/plan/<token>/stop")
def stop(token: str) -> Page:
    """Stop the emails for this application, or all of them."""
    application = application_for(token)
    form = StopForm()
    if not form.validate_on_submit():
        return _page(token, application, stop_form=form)
    if form.scope.data == "all":
        actions.stop_everything(application.candidate, "from the plan page")
        return _done(token, _("Done. You won't get any more emails from us."))
    actions.stop_application(application, "from the plan page")
    return _done(token, _("Done. You won't get any more emails about this role."))


@bp.post("/plan/<token>/notes/<int:position>")
def save_notes(token: str, position: int) -> Page:
    """The candidate's notes about one person: their draft uses them at once."""
    application = application_for(token)
    people = people_met(application)
    form = NoteForm(prefix=note_prefix(position))
    person = people[position] if 0 <= position < len(people) else None
    if person is None or person_key(form.person.data or "") != person_key(person.name):
        # The list of people changed since the page was drawn: nothing is saved.
        flash(render_template("plan/notes_moved.txt"), "error")
        return _page(token, application, status=400)
    if not form.validate_on_submit():
        return _page(token, application, failed_note=(position, form))
    save_note(
        application,
        person.name,
        form.discussed.data,
        form.reinforce.data,
        form.shared.data,
    )
    flash(render_template("plan/notes_saved.txt", name=person.name), "success")
    anchor = f"draft-{position}"
    return redirect(url_for("plan.show", token=token, _anchor=anchor), code=303)


@bp.get("/plan/<token>/erase")
def confirm_erase(token: str) -> Page:
    """Ask before erasing: this cannot be undone."""
    application = application_for(token)
    page = render_template(
        "plan/erase.html", token=token, form=ConfirmForm(), role=_role(application)
    )
    return page, 200


@bp.post("/plan/<token>/erase")
def erase(token: str) -> Page:
    """Erase the candidate's name, email and messages."""
    application = application_for(token)
    if not ConfirmForm().validate_on_submit():
        return render_template(
            "plan/erase.html", token=token, form=ConfirmForm(), role=_role(application)
        ), 400
    forget_candidate(application.candidate, CANDIDATE_ACTOR)
    return render_template("plan/erased.html"), 200


def _done(token: str, message: str) -> BaseResponse:
    flash(message, "success")
    return redirect(url_for("plan.show", token=token), code=303)


def _page(
    token: str, application: Application, status: int | None = None, **forms: Any
) -> tuple[str, int]:
    """Render the plan page; a form given with errors is shown with them (400)."""
    zone = zone_of(application, firm_policy())
    status = status or (400 if forms else 200)
    steps = _steps(application, zone)
    failed_note = forms.pop("failed_note", None)
    context = {
        "offer_form": CompetingOfferForm(formdata=None),
        "heard_form": HeardBackForm(formdata=None),
        "deadline_form": DeadlineForm(formdata=None),
        "pause_form": PauseForm(formdata=None),
        "stop_form": StopForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
        **forms,
    }
    html = render_template(
        "plan/page.html",
        token=token,
        application=application,
        candidate=application.candidate,
        role=_role(application),
        steps=steps,
        **plan_drafts(application, steps, failed_note),
        paused=application.is_paused(clock.now()),
        paused_until=application.paused_until.astimezone(zone)
        if application.paused_until
        else None,
        zone_name=str(zone),
        today=_today(application),
        **context,
    )
    return html, status


def _steps(application: Application, zone: Any) -> list[dict[str, Any]]:
    rows: list[Touchpoint] = sorted(
        (tp for tp in touchpoints_of(application.id) if tp.status in STATUS_LABELS),
        key=lambda tp: tp.due_at,
    )
    return [
        {
            "id": tp.id,
            "step": tp.step,
            "label": STEP_LABELS[Step(tp.step)],
            "status": STATUS_LABELS[TouchpointStatus(tp.status)],
            "when": tp.due_at.astimezone(zone),
            "can_mark_done": tp.status == TouchpointStatus.PLANNED,
            "reason": tp.reason if tp.status == TouchpointStatus.SKIPPED else None,
        }
        for tp in rows
    ]


def _role(application: Application) -> str:
    return role_phrase(application.job_title, application.employer_name)


def _today(application: Application) -> Any:
    return clock.now().astimezone(zone_of(application, firm_policy())).date()
