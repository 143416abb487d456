"""Recruiter alerts: who hears about a candidate's news, and when.

A competing offer is urgent: the recruiter of the application, and the recruiters of
the candidate's other open applications, hear at once. Other news (heard back,
opt-outs) waits for the morning digest unless it is urgent too. A disabled recruiter
hears nothing: their applications count as unassigned.
"""

from __future__ import annotations

from sqlalchemy import func, select

from plugin import clock
from plugin.extensions import db
from plugin.extensions.queues import ALERTS_QUEUE, DELIVER_ALERT, enqueue_many
from plugin.mail.messages import job_timeout
from plugin.models import (
    Alert,
    AlertStatus,
    Application,
    ApplicationStatus,
    CompetingOffer,
    Recruiter,
)
from plugin.operations.accounts import disabled_staff_emails, is_disabled_recruiter


def alert_competing_offer(offer: CompetingOffer) -> list[Alert]:
    """One urgent alert per recruiter of the candidate's open applications."""
    reported_on = offer.application
    open_applications = db.session.scalars(
        select(Application)
        .join(Recruiter, Application.recruiter_id == Recruiter.id)
        .where(
            Application.candidate_id == reported_on.candidate_id,
            Application.status == ApplicationStatus.ACTIVE,
            func.lower(Recruiter.email).not_in(disabled_staff_emails()),
        )
    ).all()
    by_recruiter: dict[int, Application] = {}
    for application in sorted(open_applications, key=lambda a: a.id != reported_on.id):
        assert application.recruiter_id is not None
        by_recruiter.setdefault(application.recruiter_id, application)
    alerts = [
        Alert(
            recruiter_id=recruiter_id,
            application_id=application.id,
            kind="competing_offer",
            competing_offer=offer,
            urgent=True,
        )
        for recruiter_id, application in by_recruiter.items()
    ]
    db.session.add_all(alerts)
    return alerts


def alert_news(
    application: Application, kind: str, detail: str, urgent: bool
) -> Alert | None:
    """Tell the application's recruiter: now if urgent, else in the next digest."""
    recruiter = application.recruiter
    if recruiter is None or is_disabled_recruiter(recruiter):
        return None
    alert = Alert(
        recruiter_id=application.recruiter_id,
        application_id=application.id,
        kind=kind,
        detail=detail,
        urgent=urgent,
        # Only an urgent alert is queued work; other news waits for the digest.
        status=AlertStatus.PENDING if urgent else AlertStatus.FOR_DIGEST,
    )
    db.session.add(alert)
    return alert


def queue_alerts(alerts: list[Alert]) -> None:
    """After the commit: send urgent alerts now (the tick retries any lost)."""
    urgent = [a for a in alerts if a.urgent and a.status == AlertStatus.PENDING]
    now = clock.now().isoformat()
    enqueue_many(
        ALERTS_QUEUE,
        DELIVER_ALERT,
        [((alert.id, now), f"alert-{alert.id}") for alert in urgent],
        job_timeout(1),
    )
