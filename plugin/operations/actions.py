"""What a candidate tells us from their plan page, and what follows from it.

Each function changes the records, re-plans, notes it on the timeline and commits.
Emails the candidate triggers go out at once; they are answers, not coaching.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.extensions.queues import DELIVER_EMAILS, MAIL_QUEUE, enqueue_many
from plugin.models import (
    CANDIDATE_ACTOR,
    Actor,
    Alert,
    Application,
    Candidate,
    CompetingOffer,
    OutboundEmail,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.alerts import alert_competing_offer, alert_news, queue_alerts
from plugin.operations.planning import add_to_timeline, replan, set_decision_deadline

HEARD_BACK_OUTCOMES = {
    "offer": "an offer",
    "rejected": "a no",
    "next_round": "a next round",
    "other": "other news",
}

# Triggered emails, sent at once (no quiet hours, no spacing).
OFFER_GUIDANCE = "offer_guidance"
REPORT_RECEIVED = "report_received"


@dataclass(frozen=True)
class OfferReport:
    """What came of a competing-offer report: the offer, and whether it was news."""

    offer: CompetingOffer
    repeated: bool


def report_competing_offer(
    application: Application, employer: str | None, deadline: date, note: str | None
) -> OfferReport:
    """Record another employer's offer: guidance for the candidate, alerts at once.

    The same offer (employer and deadline) reported again within the policy's
    `alerts.repeat_window_hours` is no news: the open report is updated, and neither
    the candidate nor the recruiter hears about it twice. Reported on another of the
    candidate's applications, it is recorded there too (each application shows its
    offers), but everyone who needs to hear heard the first time: the alert went to
    the recruiters of all the candidate's open applications.
    """
    _lock_candidate(application)
    repeated = _same_offer_reported_lately(application, employer, deadline)
    if repeated is not None and repeated.application_id == application.id:
        if note:
            repeated.note = note  # what the candidate said last is what counts
        db.session.commit()
        return OfferReport(repeated, repeated=True)
    offer = CompetingOffer(
        application=application,
        employer_name=employer or None,
        offer_deadline=deadline,
        note=note or None,
    )
    db.session.add(offer)
    who = f" from {employer}" if employer else ""
    add_to_timeline(
        application.id,
        TimelineKind.REPORT,
        None,
        f"the candidate reported a competing offer{who}, "
        f"deciding by {deadline.isoformat()}",
        CANDIDATE_ACTOR,
    )
    if repeated is not None:
        db.session.commit()
        return OfferReport(offer, repeated=True)
    alerts = alert_competing_offer(offer)
    _answer(application, OFFER_GUIDANCE, alerts)
    return OfferReport(offer, repeated=False)


def _lock_candidate(application: Application) -> None:
    """Hold the candidate's row: of two reports racing, the second sees the first.

    The candidate's, not the application's: the two may come from two applications.
    """
    db.session.execute(
        select(Candidate.id)
        .where(Candidate.id == application.candidate_id)
        .with_for_update()
    )


def _same_offer_reported_lately(
    application: Application, employer: str | None, deadline: date
) -> CompetingOffer | None:
    """The candidate's offer with this employer and deadline, reported lately.

    Within the window; on this application if there is one, else on another of theirs.
    """
    window = timedelta(hours=firm_policy().alerts.repeat_window_hours)
    recent = db.session.scalars(
        select(CompetingOffer)
        .join(CompetingOffer.application)
        .where(
            Application.candidate_id == application.candidate_id,
            CompetingOffer.offer_deadline == deadline,
            CompetingOffer.reported_at >= clock.now() - window,
        )
        .order_by(CompetingOffer.reported_at.desc())
    ).all()
    wanted = _employer_key(employer)
    same = [o for o in recent if _employer_key(o.employer_name) == wanted]
    return next((o for o in same if o.application_id == application.id), None) or next(
        iter(same), None
    )


def _employer_key(employer: str | None) -> str:
    """One key per employer, whatever its case and spacing; none given is ""."""
    return " ".join((employer or "").split()).casefold()


def report_heard_back(application: Application, outcome: str) -> None:
    """The employer answered: the cadence for this application stops."""
    application.heard_back_at = clock.now()
    application.heard_back_outcome = outcome
    news = f"heard back from the employer: {HEARD_BACK_OUTCOMES[outcome]}"
    add_to_timeline(
        application.id,
        TimelineKind.REPORT,
        None,
        f"the candidate {news}",
        CANDIDATE_ACTOR,
    )
    # An offer needs the recruiter now; other news can wait for the digest.
    alert = alert_news(application, "heard_back", news, urgent=outcome == "offer")
    replan(application, firm_policy())
    _answer(application, REPORT_RECEIVED, [alert] if alert else [])


def report_deadline(application: Application, deadline: date) -> None:
    """The employer told the candidate when they will decide: re-plan the check-in."""
    set_decision_deadline(application, deadline, "candidate", CANDIDATE_ACTOR)
    replan(application, firm_policy())
    _answer(application, REPORT_RECEIVED)


def mark_step_done(application: Application, touchpoint_id: int) -> bool:
    """The candidate did a step on their own; no email for it then."""
    touchpoint = db.session.scalars(
        select(Touchpoint).filter_by(id=touchpoint_id, application_id=application.id)
    ).one_or_none()
    if touchpoint is None or touchpoint.status != TouchpointStatus.PLANNED:
        return False
    touchpoint.status = TouchpointStatus.DONE
    touchpoint.reason = "the candidate marked it done"
    add_to_timeline(
        application.id,
        TimelineKind.DONE,
        touchpoint,
        "the candidate marked it done",
        CANDIDATE_ACTOR,
    )
    replan(application, firm_policy())
    db.session.commit()
    return True


def pause(
    application: Application, until: datetime | None, actor: Actor = CANDIDATE_ACTOR
) -> None:
    """Hold this application's coaching, until a date or until resumed."""
    application.paused_at, application.paused_until = clock.now(), until
    detail = (
        f"paused until {until.date().isoformat()}" if until else "paused until resumed"
    )
    add_to_timeline(
        application.id, TimelineKind.PAUSED, None, f"{actor.noun} {detail}", actor
    )
    replan(application, firm_policy())
    db.session.commit()


def resume(application: Application, actor: Actor = CANDIDATE_ACTOR) -> None:
    """Take up the coaching again; steps now too late are skipped, not sent."""
    application.paused_at = application.paused_until = None
    add_to_timeline(
        application.id,
        TimelineKind.RESUMED,
        None,
        f"{actor.noun} resumed coaching",
        actor,
    )
    replan(application, firm_policy())
    db.session.commit()


def stop_application(application: Application, how: str) -> None:
    """No more emails about this application (idempotent)."""
    if application.emails_stopped_at is None:
        application.emails_stopped_at = clock.now()
        add_to_timeline(
            application.id,
            TimelineKind.STOPPED,
            None,
            f"the candidate stopped emails for this application ({how})",
            CANDIDATE_ACTOR,
        )
        alert_news(
            application,
            "opted_out",
            "stopped coaching emails for this role",
            urgent=False,
        )
        replan(application, firm_policy())
    db.session.commit()


def stop_everything(candidate: Candidate, how: str) -> None:
    """No more emails to this person, for any application (idempotent)."""
    if candidate.opted_out_at is None:
        candidate.opted_out_at = clock.now()
        for application in candidate.applications:
            add_to_timeline(
                application.id,
                TimelineKind.STOPPED,
                None,
                f"the candidate opted out of all emails ({how})",
                CANDIDATE_ACTOR,
            )
            alert_news(
                application,
                "opted_out",
                "opted out of all coaching emails",
                urgent=False,
            )
            replan(application, firm_policy())
    db.session.commit()


def _answer(
    application: Application, template: str, alerts: list[Alert] | None = None
) -> None:
    """Commit, then send the candidate's answer and any urgent alert right away."""
    email = OutboundEmail(
        application_id=application.id,
        template=template,
        next_attempt_at=clock.now(),
        enqueued_at=clock.now(),
    )
    db.session.add(email)
    db.session.commit()
    enqueue_many(
        MAIL_QUEUE,
        DELIVER_EMAILS,
        [(([email.id], None), f"deliver-emails-{email.id}-now")],
    )
    queue_alerts(alerts or [])
