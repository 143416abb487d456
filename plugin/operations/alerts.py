"""Recruiter alerts: who hears about a candidate's news, and when.

A competing offer is urgent: the recruiter of the application, and the recruiters of
the candidate's other open applications, hear at once. Other news (heard back,
opt-outs) waits for the morning digest unless it is urgent too. A disabled recruiter
hears nothing: their applications count as unassigned. An offer cannot wait for the
admins' digest, so when one of the candidate's open applications is unassigned,
every enabled admin hears of it at once instead.
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
from plugin.operations.accounts import (
    disabled_staff_emails,
    enabled_admin_recruiter_ids,
    is_disabled_recruiter,
)


def alert_competing_offer(offer: CompetingOffer) -> list[Alert]:
    """One urgent alert per recruiter of the candidate's open applications.

    Applications without an enabled recruiter are the admins' to hear about.
    """
    reported_on = offer.application
    enabled = func.lower(Recruiter.email).not_in(disabled_staff_emails())
    open_applications = db.session.execute(
        select(Application, Recruiter.id.is_not(None))
        .outerjoin(Recruiter, (Application.recruiter_id == Recruiter.id) & enabled)
        .where(
            Application.candidate_id == reported_on.candidate_id,
            Application.status == ApplicationStatus.ACTIVE,
        )
    ).all()
    by_recruiter: dict[int, Application] = {}
    unassigned: Application | None = None
    for application, assigned in sorted(
        open_applications, key=lambda row: row[0].id != reported_on.id
    ):
        if assigned:
            assert application.recruiter_id is not None
            by_recruiter.setdefault(application.recruiter_id, application)
        else:
            unassigned = unassigned or application
    if unassigned is not None:
        for admin_id in enabled_admin_recruiter_ids():
            by_recruiter.setdefault(admin_id, unassigned)
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
