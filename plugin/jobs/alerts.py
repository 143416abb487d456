"""The alert job: email the recruiter at once, then (optionally) post to chat.

Alerts follow the coaching emails' discipline (`jobs/sending.py`): "sending" is
committed right before DATA, so an alert is never sent twice, and every failure is
recorded, ending `failed` after the retry policy's last attempt.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template
from jinja2 import TemplateError
from sqlalchemy import select

from plugin import clock
from plugin.cadence.steps import Step
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.jobs.sending import (
    Outcome,
    fail,
    record_unexpected_failure,
    report_problem,
    send_row,
)
from plugin.mail.chat import post_to_chat
from plugin.mail.envelope import Envelope
from plugin.mail.links import external_url
from plugin.mail.messages import mailbox, new_message_id, staff_message
from plugin.mail.transport import UnbuildableMessageError
from plugin.models import Alert, AlertStatus, Touchpoint, TouchpointStatus
from plugin.models.zones import zone_of
from plugin.operations.accounts import is_disabled_recruiter

log = logging.getLogger(__name__)

MAX_ATTEMPTS = Alert.retry_policy.max_attempts


def deliver_alert(alert_id: int, queued_at: str | None = None) -> None:
    """Send one urgent alert; re-runs of a sent alert do nothing."""
    with clock.as_of(queued_at):
        try:
            _deliver(alert_id)
        except Exception as exc:
            db.session.rollback()
            log.exception("alert %s failed unexpectedly", alert_id)
            record_unexpected_failure(Alert, alert_id, exc)


def _deliver(alert_id: int) -> None:
    alert = db.session.scalars(
        select(Alert).filter_by(id=alert_id).with_for_update()
    ).one_or_none()
    if alert is None or alert.status != AlertStatus.PENDING:
        db.session.rollback()
        return
    if is_disabled_recruiter(alert.recruiter):
        fail(alert, "the recruiter was disabled before it was sent")
        db.session.commit()
        log.info("alert %s: its recruiter is disabled; not sent", alert_id)
        return
    context = alert_context(alert)
    try:
        message = _message(alert, context)
    except (UnbuildableMessageError, TemplateError) as exc:
        fail(alert, f"the alert cannot be built: {exc or type(exc).__name__}")
        db.session.commit()
        log.warning("alert %s cannot be built; failed", alert_id)
        return
    result = send_row(alert, message)
    if result.outcome == Outcome.NOT_CLAIMED:
        return
    db.session.commit()
    log.info("alert %s: %s", alert_id, alert.status)
    report_problem(result, "alert", alert.recruiter.email)
    if result.outcome == Outcome.SENT:
        _post_chat(alert, context)


def alert_context(alert: Alert) -> dict[str, Any]:
    """What the recruiter needs to act: who, which role, how long, what next."""
    application = alert.application
    candidate = application.candidate
    zone = zone_of(application, firm_policy())
    today = clock.now().astimezone(zone).date()
    offer = alert.competing_offer
    next_step = db.session.scalars(
        select(Touchpoint)
        .filter_by(application_id=application.id, status=TouchpointStatus.PLANNED)
        .order_by(Touchpoint.due_at)
        .limit(1)
    ).first()
    return {
        "candidate_name": candidate.display_name,
        "job_title": application.job_title,
        "employer": application.employer_name,
        "other_employer": offer.employer_name if offer else None,
        "offer_deadline": offer.offer_deadline if offer else None,
        "days_left": (offer.offer_deadline - today).days if offer else None,
        "next_step": Step(next_step.step).staff_name if next_step else None,
        "next_step_due": next_step.due_at.astimezone(zone) if next_step else None,
        "paused": application.is_paused(clock.now()),
        "application_url": external_url(
            "dashboard.application", application_id=application.id
        ),
        "alert": alert,
        # An admin hears of an application no enabled recruiter holds.
        "unassigned": application.recruiter_id != alert.recruiter_id,
        "firm": firm_policy().firm,
    }


def _message(alert: Alert, context: dict[str, Any]) -> Envelope:
    recruiter = alert.recruiter
    return staff_message(
        mailbox(recruiter.name, recruiter.email),
        render_template("email/recruiter_alert_subject.txt", **context).strip(),
        render_template("email/recruiter_alert.txt", **context),
        render_template("email/recruiter_alert.html", **context),
        alert.message_id or new_message_id(alert.id),
    )


def _post_chat(alert: Alert, context: dict[str, Any]) -> None:
    policy = firm_policy()
    url = alert.recruiter.chat_webhook_url or policy.alerts.chat_webhook_url
    if not url:
        return
    text = render_template("email/recruiter_alert_subject.txt", **context).strip()
    alert.chat_status = post_to_chat(
        url, f"{text}\n{context['application_url']}", policy.alerts.chat_allowed_hosts
    )
    db.session.commit()
    log.info("alert %s chat: %s", alert.id, alert.chat_status)
