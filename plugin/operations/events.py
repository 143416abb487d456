"""Apply canonical events to candidates, applications and interviews.

Events may arrive twice or out of order. Each record keeps the timestamp of the newest
event applied to it; an older event leaves it alone, an equal one (received later)
wins. Within an event, an absent field changes nothing and an explicit null clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from plugin import clock
from plugin.cadence.plan import plan_cadence
from plugin.config import firm_policy
from plugin.extensions import db
from plugin.models import (
    ATS_ACTOR,
    Application,
    ApplicationStatus,
    Candidate,
    Interview,
    Interviewer,
    InterviewStatus,
    Recruiter,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)
from plugin.operations.planning import (
    add_to_timeline,
    facts_for,
    set_decision_deadline,
    touchpoints_of,
)
from webhooks import IgnoredEvent

# The application's status each type sets; other types leave it alone.
DECISIONS = {
    "application.offer_extended": ApplicationStatus.OFFER_EXTENDED,
    "application.hired": ApplicationStatus.HIRED,
    "application.rejected": ApplicationStatus.REJECTED,
    "application.withdrawn": ApplicationStatus.WITHDRAWN,
    "application.reopened": ApplicationStatus.ACTIVE,
}
# The interview's status each type sets; other types (`application.*` carrying an
# interview) update its details and keep its status.
INTERVIEW_STATES = {
    "interview.scheduled": InterviewStatus.SCHEDULED,
    "interview.rescheduled": InterviewStatus.SCHEDULED,
    "interview.completed": InterviewStatus.COMPLETED,
    "interview.cancelled": InterviewStatus.CANCELLED,
}
MISSED_WHILE_DECIDED = "due while a decision stood; the application was reopened"


def apply_event(source: str, event: Mapping[str, Any]) -> Application:
    """Upsert every part an event carries; return the application it concerns.

    New rows stay unflushed: the caller plans the application and flushes once, so
    each table gets one INSERT. The lookups below therefore run without autoflush.
    """
    # What an earlier event of the same delivery left unflushed must be findable.
    db.session.flush()
    stamp: datetime = event["timestamp"]
    data = event["data"]
    with db.session.no_autoflush:
        candidate = _upsert_candidate(source, data["candidate"], stamp)
        application = _upsert_application(source, candidate, data["application"], stamp)
        reopened = _apply_decision(application, event["type"], stamp)
        if _is_newer(application, stamp):
            application.source_updated_at = stamp
        if data.get("interview") is not None:
            _upsert_interview(
                source,
                application,
                data["interview"],
                INTERVIEW_STATES.get(event["type"]),
                stamp,
            )
    if reopened:
        skip_missed_steps(application)
    return application


def _apply_decision(application: Application, kind: str, stamp: datetime) -> bool:
    """Set the status the event type stands for; True when a decision was undone."""
    status = DECISIONS.get(kind)
    if status is None or not _is_newer(application, stamp):
        return False
    undone = status == ApplicationStatus.ACTIVE and not application.is_active
    if status == ApplicationStatus.ACTIVE:
        application.decided_at = None
    elif application.is_active or application.decided_at is None:
        application.decided_at = stamp
    if application.status != status:
        detail = f"status set to {status.replace('_', ' ')}"
        add_to_timeline(application, TimelineKind.DECISION, None, detail, ATS_ACTOR)
    application.status = status
    return undone


def skip_missed_steps(application: Application) -> None:
    """After a reopen, settle as skipped every step whose time passed meanwhile.

    The application is active again, but only steps still ahead are planned: a
    check-in whose moment came while it was decided is not sent late.
    """
    now = clock.now()
    touchpoints = touchpoints_of(application.id)
    policy = firm_policy()
    facts = facts_for(application, touchpoints, policy)
    existing = {(tp.step, tp.slot): tp for tp in touchpoints}
    for step in plan_cadence(facts, policy).steps:
        if step.due_at > now:
            continue
        touchpoint = existing.get((step.step.value, step.slot))
        if touchpoint is None:
            touchpoint = Touchpoint(
                application=application,
                step=step.step,
                slot=step.slot,
                planned_for=step.planned_for,
                due_at=step.due_at,
            )
            db.session.add(touchpoint)
        touchpoint.status, touchpoint.reason = (
            TouchpointStatus.SKIPPED,
            MISSED_WHILE_DECIDED,
        )
        add_to_timeline(
            application,
            TimelineKind.SKIPPED,
            touchpoint,
            MISSED_WHILE_DECIDED,
            ATS_ACTOR,
        )


def _is_newer(record: Candidate | Application | Interview, stamp: datetime) -> bool:
    return record.source_updated_at is None or stamp >= record.source_updated_at


def _by_external_id(model: Any, source: str, external_id: str) -> Any:
    return db.session.scalars(
        select(model).filter_by(source=source, external_id=external_id)
    ).one_or_none()


def _upsert_candidate(
    source: str, fields: Mapping[str, Any], stamp: datetime
) -> Candidate:
    candidate = _by_external_id(Candidate, source, fields["id"])
    if candidate is None:
        candidate = Candidate(source=source, external_id=fields["id"])
        db.session.add(candidate)
    if candidate.forgotten_at is not None:
        # Erased on request: later events bring nothing back, nor add to it.
        raise IgnoredEvent("the candidate's personal data was erased")
    newer = _is_newer(candidate, stamp)
    if newer:
        _copy(fields, candidate, ("first_name", "last_name", "timezone", "locale"))
        candidate.source_updated_at = stamp
    if fields.get("email") and (newer or not candidate.email):
        # Filling in a missing address overwrites nothing newer.
        candidate.email = fields["email"]
    return candidate


def _upsert_application(
    source: str, candidate: Candidate, fields: Mapping[str, Any], stamp: datetime
) -> Application:
    application = _by_external_id(Application, source, fields["id"])
    if application is None:
        # Defaults spelled out: planning reads them before the row is flushed.
        application = Application(
            source=source,
            external_id=fields["id"],
            candidate=candidate,
            status=ApplicationStatus.ACTIVE,
        )
        db.session.add(application)
    if not _is_newer(application, stamp):
        return application
    _copy(fields, application, ("job_title",))
    _copy_prefixed(fields.get("employer"), application, "employer_")
    if "hiring_manager" in fields:
        _copy_prefixed(
            fields["hiring_manager"] or _cleared_manager(),
            application,
            "hiring_manager_",
        )
    if "decision_deadline" in fields:
        set_decision_deadline(
            application, fields["decision_deadline"], "ATS", ATS_ACTOR
        )
    if "recruiter" in fields:
        _assign(application, _recruiter(fields["recruiter"]))
    return application


def _assign(application: Application, recruiter: Recruiter | None) -> None:
    """Set the recruiter; a change on a known application goes on its timeline."""
    before = application.recruiter
    application.recruiter = recruiter
    # A new application has no earlier recruiter to move from.
    if application.source_updated_at is None or before is recruiter:
        return
    detail = (
        f"moved to recruiter {recruiter.email}" if recruiter else "recruiter removed"
    )
    add_to_timeline(application, TimelineKind.REASSIGNED, None, detail, ATS_ACTOR)


def _cleared_manager() -> dict[str, None]:
    return {"name": None, "email": None, "ok_to_call": None}


def _recruiter(fields: Mapping[str, Any] | None) -> Recruiter | None:
    """Find or create the recruiter by email; a null recruiter unassigns."""
    if fields is None:
        return None
    recruiter = recruiter_by_email(fields["email"])
    _copy(fields, recruiter, ("name", "timezone"))
    return recruiter


def recruiter_by_email(email: str) -> Recruiter:
    """The recruiter with this email (any case), created if new."""
    email = email.strip().lower()
    recruiter = db.session.scalars(
        select(Recruiter).filter_by(email=email)
    ).one_or_none()
    if recruiter is None:
        recruiter = Recruiter(email=email)
        db.session.add(recruiter)
    return recruiter


def _upsert_interview(
    source: str,
    application: Application,
    fields: Mapping[str, Any],
    status: InterviewStatus | None,
    stamp: datetime,
) -> None:
    interview = _by_external_id(Interview, source, fields["id"])
    if interview is None:
        interview = Interview(
            source=source,
            external_id=fields["id"],
            application=application,
            status=InterviewStatus.SCHEDULED,
        )
        db.session.add(interview)
    if not _is_newer(interview, stamp):
        return
    interview.application = application
    if status is not None:
        interview.status = status
    interview.source_updated_at = stamp
    _copy(fields, interview, ("starts_at", "ends_at", "location"))
    if fields.get("starts_at") is not None:
        offset = fields["starts_at"].utcoffset()
        interview.utc_offset_minutes = int(offset.total_seconds() // 60)
    if "interviewers" in fields:
        _set_interviewers(interview, fields["interviewers"] or [])


def _set_interviewers(interview: Interview, people: list[Mapping[str, Any]]) -> None:
    """Replace the interview's panel, unless the event repeats it unchanged."""
    wanted = [(p["name"], p.get("title"), p.get("email")) for p in people]
    # A new interview has no panel to compare with, and loading one costs a query.
    if interview.id is not None and wanted == [
        (p.name, p.title, p.email) for p in interview.interviewers
    ]:
        return
    interview.interviewers = [
        Interviewer(position=index, name=name, title=title, email=email)
        for index, (name, title, email) in enumerate(wanted)
    ]


def _copy(fields: Mapping[str, Any], record: Any, names: tuple[str, ...]) -> None:
    for name in names:
        if name in fields:
            setattr(record, name, fields[name])


def _copy_prefixed(fields: Mapping[str, Any] | None, record: Any, prefix: str) -> None:
    for name, value in (fields or {}).items():
        setattr(record, prefix + name, value)
