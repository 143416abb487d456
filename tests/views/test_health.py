"""`GET /healthz`: down (503) for our own parts only; degraded (200) for the work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis as redis_lib
from sqlalchemy import create_engine, text, update

from plugin import clock, create_app
from plugin.extensions.queues import use_redis
from plugin.jobs.tick import run_tick
from plugin.models import EmailStatus, InboxEvent, InboxStatus, OutboundEmail
from plugin.operations.monitoring import record_tick
from tests.support.events import interview_event

NOW = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def health(client):
    answer = client.get("/healthz")
    return answer.status_code, answer.get_json()


def test_ok_when_every_part_answers_and_no_work_is_stuck(client):
    status, body = health(client)

    assert (status, body["status"]) == (200, "ok")
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "migrations": "ok",
        "redis": "ok",
        "work": "ok",
        "tick": "ok",
        "mail": "ok",
        "sources": "ok",
    }


def test_inline_jobs_report_redis_as_not_configured(inline_app):
    status, body = health(inline_app.test_client())

    assert (status, body["status"]) == (200, "ok")
    assert body["checks"]["redis"]["status"] == "not configured"


def test_unreachable_redis_is_down(settings):
    app = create_app(settings)
    use_redis(
        app, redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    )

    status, body = health(app.test_client())

    assert (status, body["status"]) == (503, "down")
    assert body["checks"]["redis"]["status"] == "down"
    assert "ConnectionError" in body["checks"]["redis"]["detail"]
    assert "REDIS_URL" in body["checks"]["redis"]["detail"]


def test_unreachable_database_is_down(settings):
    settings["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(settings)

    status, body = health(app.test_client())

    assert (status, body["status"]) == (503, "down")
    assert body["checks"]["database"]["status"] == "down"
    assert "OperationalError" in body["checks"]["database"]["detail"]
    assert body["checks"]["work"]["status"] == "skipped"


def test_a_database_never_migrated_is_down(settings, tmp_path):
    settings["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app(settings)

    status, body = health(app.test_client())

    assert (status, body["status"]) == (503, "down")
    assert body["checks"]["database"]["status"] == "ok"
    migrations = body["checks"]["migrations"]
    assert migrations["status"] == "down"
    assert "never migrated" in migrations["detail"]
    assert "followup db upgrade" in migrations["detail"]


def test_a_database_behind_the_code_is_down(settings, tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num TEXT)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('d4e5f6a7b8c9')"))
    engine.dispose()
    settings["DATABASE_URL"] = f"sqlite:///{path}"

    status, body = health(create_app(settings).test_client())

    assert status == 503
    assert body["checks"]["migrations"]["detail"].startswith("at d4e5f6a7b8c9")


def test_a_failed_event_degrades_but_stays_200(app, db, client):
    with clock.frozen_at(NOW):
        db.session.add(
            InboxEvent(
                source="standard",
                delivery_id="msg_1",
                event_type="interview.scheduled",
                raw_body=b"{}",
                status=InboxStatus.FAILED,
            )
        )
        db.session.commit()
        status, body = health(client)

    assert (status, body["status"]) == (200, "degraded")
    work = body["checks"]["work"]
    assert work["status"] == "degraded" and work["failed_events"] == 1
    assert "followup events list --stuck" in work["detail"]


def test_an_unknown_email_degrades_until_settled(app, db, client, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    with clock.frozen_at(NOW):
        run_tick()
    db.session.execute(update(OutboundEmail).values(status=EmailStatus.UNKNOWN))
    db.session.commit()

    with clock.frozen_at(NOW):
        status, body = health(client)

    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["work"]["unknown_emails"] == 1


def test_pending_work_nobody_picked_up_is_stuck(app, db, client, post_event):
    post_event(interview_event())  # queued, but no worker runs it

    with clock.frozen_at(clock.now() + timedelta(minutes=20)):
        status, body = health(client)

    assert (status, body["checks"]["work"]["stuck_events"]) == (200, 1)


def test_a_tick_is_stale_after_three_intervals(app, client):
    app.config["TICK_INTERVAL"] = 30
    with app.app_context():
        record_tick(NOW)

    with clock.frozen_at(NOW + timedelta(seconds=90)):
        fresh = health(client)[1]["checks"]["tick"]
    with clock.frozen_at(NOW + timedelta(seconds=91)):
        status, body = health(client)

    assert fresh["status"] == "ok" and fresh["last_tick_age_seconds"] == 90
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["tick"]["last_tick_age_seconds"] == 91
    assert "followup scheduler" in body["checks"]["tick"]["detail"]


def test_no_tick_yet_is_degraded_when_one_is_expected(app, client):
    app.config["TICK_INTERVAL"] = 30

    status, body = health(client)

    assert (status, body["checks"]["tick"]["status"]) == (200, "degraded")
    assert body["checks"]["tick"]["detail"] == "no tick has run yet"


def test_each_tick_is_recorded_for_the_health_check(app, client):
    app.config["TICK_INTERVAL"] = 30
    with app.app_context(), clock.frozen_at(NOW):
        run_tick()

    with clock.frozen_at(NOW + timedelta(seconds=5)):
        tick = health(client)[1]["checks"]["tick"]

    assert tick == {
        "status": "ok",
        "last_tick_age_seconds": 5,
        "interval_seconds": 30,
    }
