"""`GET /metrics`: Prometheus text, `followup_` names, the work's state at scrape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis as redis_lib
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from plugin import clock, create_app
from plugin.extensions import count_statements
from plugin.extensions.metrics import count_rate_limited
from plugin.extensions.queues import use_redis
from plugin.models import EmailStatus, OutboundEmail, SourceState
from plugin.operations.monitoring import record_tick
from tests.support.candidate import first_email
from tests.support.events import interview_event

NOW = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape, by name and sorted labels."""
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.get_data(True)
    assert answer.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.get_data(True))
        for sample in family.samples
    }


def sample(samples, name: str, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_every_name_is_prefixed_and_the_statuses_are_there_from_the_start(client):
    samples = scrape(client)

    assert samples and all(name.startswith("followup_") for name, _ in samples)
    assert sample(samples, "followup_emails", status="unknown") == 0
    assert sample(samples, "followup_events", status="failed") == 0
    assert sample(samples, "followup_alerts", status="sent") == 0
    assert sample(samples, "followup_digests", status="sent") == 0
    assert sample(samples, "followup_database_up") == 1
    assert sample(samples, "followup_redis_up") == 1


def test_webhooks_are_counted_by_source_and_answer(client, post_event):
    before = scrape(client)

    post_event(interview_event())
    post_event(interview_event(), headers={"webhook-signature": "v1,bad"})
    client.post("/webhooks/no-such-source", data=b"{}")
    client.post("/webhooks/another-made-up-one", data=b"{}")
    after = scrape(client)

    def delta(source: str, status: str) -> float:
        name = "followup_webhooks_total"
        key = {"source": source, "status": status}
        return (sample(after, name, **key) or 0) - (sample(before, name, **key) or 0)

    assert delta("standard", "202") == 1
    assert delta("standard", "401") == 1
    # Made-up source names share one label: a sender cannot grow the series.
    assert delta("unknown", "404") == 2


def test_rate_limit_refusals_are_counted_by_limit(client):
    name = "followup_rate_limited_total"
    before = sample(scrape(client), name, limit="plan_per_ip") or 0

    count_rate_limited("plan_per_ip")

    after = sample(scrape(client), name, limit="plan_per_ip")
    assert after == before + 1


def test_events_and_emails_are_read_from_the_database(
    app, db, client, post_event, run_jobs, smtp
):
    first_email(post_event, run_jobs, smtp)

    samples = scrape(client)

    assert sample(samples, "followup_events", status="processed") == 1
    assert sample(samples, "followup_emails", status="sent") == 1
    assert sample(samples, "followup_unknown_deliveries", kind="emails") == 0


def test_unknown_emails_are_counted_for_the_operator(
    app, db, client, post_event, run_jobs, smtp
):
    first_email(post_event, run_jobs, smtp)
    db.session.execute(update(OutboundEmail).values(status=EmailStatus.UNKNOWN))
    db.session.commit()

    samples = scrape(client)

    assert sample(samples, "followup_emails", status="unknown") == 1
    assert sample(samples, "followup_unknown_deliveries", kind="emails") == 1


def test_queue_depth_is_read_from_redis(client, post_event):
    post_event(interview_event())  # queued; no worker has run it

    samples = scrape(client)

    assert sample(samples, "followup_queue_depth", queue="events") == 1
    assert sample(samples, "followup_queue_depth", queue="mail") == 0


def test_seconds_since_the_last_tick(app, client):
    assert sample(scrape(client), "followup_last_tick_age_seconds") is None
    with app.app_context():
        record_tick(NOW)

    with clock.frozen_at(NOW + timedelta(seconds=42)):
        samples = scrape(client)

    assert sample(samples, "followup_last_tick_age_seconds") == 42
    assert sample(samples, "followup_last_tick_timestamp_seconds") == NOW.timestamp()


def test_each_configured_pull_source_reports_its_last_good_poll(app, db, client):
    for name in ("BULLHORN_CLIENT_ID", "BULLHORN_CLIENT_SECRET"):
        app.config[name] = "set"
    app.config.update(BULLHORN_USERNAME="api", BULLHORN_PASSWORD="pw")
    db.session.add(
        SourceState(
            name="bullhorn",
            connection="failing",
            last_good_poll_at=NOW - timedelta(minutes=10),
        )
    )
    db.session.commit()

    with clock.frozen_at(NOW):
        samples = scrape(client)

    assert sample(samples, "followup_source_connected", source="bullhorn") == 0
    age = sample(
        samples, "followup_source_last_good_poll_age_seconds", source="bullhorn"
    )
    assert age == 600


def test_a_scrape_costs_the_same_few_queries_however_much_work_is_stored(
    app, db, client, post_event, run_jobs, smtp
):
    empty = count_statements(lambda: client.get("/metrics"))
    first_email(post_event, run_jobs, smtp)
    for n in range(5):
        post_event(interview_event(), msg_id=f"msg_more_{n}")

    busy = count_statements(lambda: client.get("/metrics"))

    assert empty == busy <= 6


def test_a_token_is_required_once_one_is_set(app, client):
    app.config["METRICS_TOKEN"] = "s3cret-metrics-token"

    missing = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    other_scheme = client.get(
        "/metrics", headers={"Authorization": "Basic s3cret-metrics-token"}
    )
    right = client.get(
        "/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"}
    )

    assert [r.status_code for r in (missing, wrong, other_scheme)] == [401] * 3
    assert missing.get_json()["error"] == "unauthorized"
    assert "Authorization" in missing.get_json()["fields"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert right.status_code == 200
    assert "followup_database_up 1.0" in right.get_data(True)


def test_an_unreachable_database_is_a_sample_not_an_error(settings):
    settings["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(settings)

    samples = scrape(app.test_client())

    assert sample(samples, "followup_database_up") == 0
    assert sample(samples, "followup_emails", status="sent") is None


def test_an_unreachable_redis_is_a_sample_not_an_error(settings):
    app = create_app(settings)
    use_redis(
        app, redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    )

    samples = scrape(app.test_client())

    assert sample(samples, "followup_redis_up") == 0
    assert sample(samples, "followup_queue_depth", queue="events") is None


def test_inline_jobs_have_no_queues(inline_app):
    samples = scrape(inline_app.test_client())

    assert sample(samples, "followup_redis_up") is None
    assert not [name for name, _ in samples if name == "followup_queue_depth"]
