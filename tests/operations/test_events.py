"""Events become records: out-of-order safe, absent vs null, ids namespaced."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from plugin.models import (
    Application,
    ApplicationStatus,
    Candidate,
    Interview,
    InterviewStatus,
    Recruiter,
    Touchpoint,
    TouchpointStatus,
)
from tests.support.events import DELETE, interview_event


def deliver(post_event, run_jobs, event):
    assert post_event(event).status_code == 202
    run_jobs()


def the(db, model):
    db.session.expire_all()
    return db.session.scalars(select(model)).one()


def test_event_creates_candidate_application_interview_and_recruiter(
    db, post_event, run_jobs
):
    deliver(post_event, run_jobs, interview_event())

    candidate, application = the(db, Candidate), the(db, Application)
    interview, recruiter = the(db, Interview), the(db, Recruiter)
    assert (candidate.source, candidate.external_id, candidate.email) == (
        "standard",
        "c-881",
        "dana@example.org",
    )
    assert application.candidate_id == candidate.id
    assert application.recruiter_id == recruiter.id
    assert application.decision_deadline == date(2026, 12, 8)
    assert application.hiring_manager_ok_to_call is False
    assert interview.ends_at == datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    assert interview.utc_offset_minutes == -360
    assert [(p.name, p.title) for p in interview.interviewers] == [
        ("Lee Park", "Payroll Manager")
    ]


def test_older_event_never_overwrites_newer_state(db, post_event, run_jobs):
    deliver(
        post_event,
        run_jobs,
        interview_event(
            **{
                "timestamp": "2026-12-01T10:00:00Z",
                "data.application.job_title": "Payroll Lead",
            }
        ),
    )
    deliver(
        post_event,
        run_jobs,
        interview_event(
            **{
                "timestamp": "2026-12-01T09:00:00Z",
                "data.application.job_title": "Old title",
                "data.candidate.first_name": "Old",
            }
        ),
    )

    assert the(db, Application).job_title == "Payroll Lead"
    assert the(db, Candidate).first_name == "Dana"


def test_equal_timestamps_the_later_received_wins(db, post_event, run_jobs):
    deliver(
        post_event, run_jobs, interview_event(**{"data.application.job_title": "First"})
    )
    deliver(
        post_event,
        run_jobs,
        interview_event(**{"data.application.job_title": "Second"}),
    )

    assert the(db, Application).job_title == "Second"


def test_absent_field_changes_nothing_and_null_clears(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event())
    deliver(
        post_event,
        run_jobs,
        interview_event(
            **{
                "timestamp": "2026-12-01T10:00:00Z",
                "data.application.decision_deadline": DELETE,
                "data.application.job_title": None,
            }
        ),
    )

    application = the(db, Application)
    assert application.decision_deadline == date(2026, 12, 8)
    assert application.job_title is None

    deliver(
        post_event,
        run_jobs,
        interview_event(
            **{
                "timestamp": "2026-12-01T11:00:00Z",
                "data.application.decision_deadline": None,
            }
        ),
    )
    assert the(db, Application).decision_deadline is None


def test_cancel_arriving_before_the_schedule_keeps_the_interview_cancelled(
    db, post_event, run_jobs
):
    cancel = interview_event(
        type="interview.cancelled",
        timestamp="2026-12-01T11:00:00Z",
        **{"data.interview": {"id": "i-9001"}},
    )
    deliver(post_event, run_jobs, cancel)
    deliver(post_event, run_jobs, interview_event(timestamp="2026-12-01T09:00:00Z"))

    assert the(db, Interview).status == InterviewStatus.CANCELLED
    assert (
        db.session.scalars(
            select(Touchpoint).filter_by(status=TouchpointStatus.PLANNED)
        ).all()
        == []
    )


def test_cancellation_drops_the_planned_thank_you(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event())
    deliver(
        post_event,
        run_jobs,
        interview_event(
            type="interview.cancelled",
            timestamp="2026-12-01T10:00:00Z",
            **{"data.interview": {"id": "i-9001"}},
        ),
    )

    touchpoints = db.session.scalars(select(Touchpoint)).all()
    assert {t.status for t in touchpoints} == {TouchpointStatus.CANCELLED}
    thank_you = next(t for t in touchpoints if t.step == "thank_you")
    assert thank_you.reason == "no longer needed"


def test_reschedule_moves_the_planned_thank_you(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event())
    deliver(
        post_event,
        run_jobs,
        interview_event(
            type="interview.rescheduled",
            timestamp="2026-12-01T10:00:00Z",
            **{
                "data.interview.starts_at": "2026-12-03T10:00:00-06:00",
                "data.interview.ends_at": "2026-12-03T11:00:00-06:00",
            },
        ),
    )

    thank_yous = db.session.scalars(
        select(Touchpoint).filter_by(step="thank_you").order_by(Touchpoint.slot)
    ).all()
    assert [(t.slot, t.status) for t in thank_yous] == [
        ("2026-12-01", TouchpointStatus.CANCELLED),
        ("2026-12-03", TouchpointStatus.PLANNED),
    ]
    assert thank_yous[1].due_at == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def test_panel_day_is_one_round_with_one_thank_you(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event())
    deliver(
        post_event,
        run_jobs,
        interview_event(
            **{
                "data.interview.id": "i-9002",
                "data.interview.starts_at": "2026-12-01T16:00:00-06:00",
                "data.interview.ends_at": "2026-12-01T17:00:00-06:00",
            }
        ),
    )

    (thank_you,) = db.session.scalars(select(Touchpoint).filter_by(step="thank_you"))
    assert thank_you.due_at == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 18:00 Chicago


def test_decision_stops_the_planned_thank_you(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event())
    rejected = interview_event(
        type="application.rejected",
        timestamp="2026-12-01T12:00:00Z",
        **{"data.interview": DELETE},
    )
    deliver(post_event, run_jobs, rejected)

    assert the(db, Application).status == ApplicationStatus.REJECTED
    touchpoints = db.session.scalars(select(Touchpoint)).all()
    assert {t.status for t in touchpoints} == {TouchpointStatus.CANCELLED}
    assert {t.reason for t in touchpoints} == {"the application is rejected"}


def test_same_external_ids_from_two_sources_do_not_meet(db, post_event, run_jobs):
    from plugin.extensions import db as handle
    from plugin.operations.events import apply_event
    from webhooks.schema import EventSchema

    deliver(post_event, run_jobs, interview_event())
    apply_event("other-ats", EventSchema().load(interview_event()))
    handle.session.commit()

    assert {c.source for c in db.session.scalars(select(Candidate))} == {
        "standard",
        "other-ats",
    }


def test_recruiter_change_moves_the_application(db, post_event, run_jobs):
    deliver(post_event, run_jobs, interview_event())
    deliver(
        post_event,
        run_jobs,
        interview_event(
            timestamp="2026-12-01T10:00:00Z",
            **{
                "data.application.recruiter": {
                    "name": "Kim Lee",
                    "email": "KIM@staffing.example",
                }
            },
        ),
    )

    application = the(db, Application)
    assert application.recruiter.email == "kim@staffing.example"
    assert len(db.session.scalars(select(Recruiter)).all()) == 2
