"""Rate limits: the plan page, sign-in, webhooks and unsubscribe links answer 429."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from plugin.extensions.limits import rate_limited
from plugin.mail.links import PLAN_PAGE, UNSUBSCRIBE, make_token
from plugin.models import Application, InboxEvent, LoginLink
from plugin.operations.accounts import create_user
from tests.fakes.greenhouse_api import WEBHOOK_SECRET as GREENHOUSE_SECRET
from tests.fakes.greenhouse_api import ping
from tests.fakes.greenhouse_api import post as post_greenhouse
from tests.support.events import interview_event
from tests.support.forms import csrf_token


@pytest.fixture
def settings(settings):
    settings.update(
        RATE_LIMIT_PLAN="3 per minute",
        RATE_LIMIT_SIGN_IN="2 per minute",
        RATE_LIMIT_WEBHOOKS="2 per minute",
        GREENHOUSE_WEBHOOK_SECRET=GREENHOUSE_SECRET,
    )
    return settings


@pytest.fixture
def refusals(app):
    """The limit names announced on the `rate_limited` signal."""
    names: list[str] = []

    def record(sender, limit):
        names.append(limit)

    rate_limited.connect(record)
    yield names
    rate_limited.disconnect(record)


def an_application(db, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    return db.session.scalars(select(Application)).one()


def from_address(address):
    return {"REMOTE_ADDR": address}


def count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


# --- the plan page ---------------------------------------------------------------


def test_plan_forms_past_the_limit_get_a_page_with_retry_after(
    db, client, post_event, run_jobs
):
    application = an_application(db, post_event, run_jobs)
    path = f"/plan/{make_token(PLAN_PAGE, application.id)}"
    token = csrf_token(client.get(path).get_data(as_text=True))
    dates = ["2026-12-10", "2026-12-11", "2026-12-12", "2026-12-13"]

    answers = [
        client.post(
            f"{path}/deadline", data={"csrf_token": token, "decision_deadline": day}
        )
        for day in dates
    ]

    assert [a.status_code for a in answers] == [303, 303, 303, 429]
    refused = answers[-1]
    assert refused.mimetype == "text/html"
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert "Please wait" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert application.decision_deadline.isoformat() == "2026-12-12"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("es-MX,es;q=0.9,en;q=0.5", "Demasiados intentos"), ("de-DE", "Too many tries")],
)
def test_a_refused_plan_form_speaks_the_browsers_language_when_we_have_it(
    db, client, post_event, run_jobs, accept_language, expected
):
    application = an_application(db, post_event, run_jobs)
    path = f"/plan/{make_token(PLAN_PAGE, application.id)}/offer"
    headers = {"Accept-Language": accept_language}

    answers = [client.post(path, data={}, headers=headers) for _ in range(4)]

    assert answers[-1].status_code == 429
    assert expected in answers[-1].get_data(as_text=True)


def test_reading_the_plan_page_is_never_limited(db, client, post_event, run_jobs):
    application = an_application(db, post_event, run_jobs)
    path = f"/plan/{make_token(PLAN_PAGE, application.id)}"

    assert {client.get(path).status_code for _ in range(6)} == {200}


def test_one_link_is_limited_whatever_address_it_comes_from(
    db, client, post_event, run_jobs
):
    application = an_application(db, post_event, run_jobs)
    path = f"/plan/{make_token(PLAN_PAGE, application.id)}/offer"

    statuses = [
        client.post(path, environ_base=from_address(f"203.0.113.{n}")).status_code
        for n in range(4)
    ]

    assert statuses == [400, 400, 400, 429]


def test_guessing_links_from_one_address_is_limited(app, client, refusals):
    statuses = [client.post(f"/plan/guess-{n}/offer").status_code for n in range(4)]

    assert statuses == [400, 400, 400, 429]
    assert refusals == ["plan_per_ip"]


def test_a_refusal_is_logged_by_limit_name_without_the_token(
    db, client, post_event, run_jobs, caplog
):
    application = an_application(db, post_event, run_jobs)
    token = make_token(PLAN_PAGE, application.id)
    caplog.set_level(logging.INFO)

    for _ in range(4):
        client.post(f"/plan/{token}/resume")

    assert "rate_limited limit=plan_per_token" in caplog.text
    assert token not in caplog.text
    assert "127.0.0.1" not in caplog.text


# --- sign-in ---------------------------------------------------------------------


def sign_in(client, email, address="198.51.100.7"):
    page = client.get("/login", environ_base=from_address(address))
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "email": email}
    return client.post("/login", data=data, environ_base=from_address(address))


def test_sign_in_is_limited_per_address_across_client_addresses(app, db, client):
    create_user("sam@staffing.example")

    statuses = [
        sign_in(client, "Sam@Staffing.example", f"198.51.100.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert count(db, LoginLink) == 2


def test_sign_in_is_limited_per_client_address_across_emails(app, client, refusals):
    statuses = [sign_in(client, f"person{n}@example.org").status_code for n in range(3)]

    assert statuses == [200, 200, 429]
    assert refusals == ["sign_in_per_ip"]


def test_each_refusal_is_counted_in_the_metrics(app, client):
    def refused() -> float:
        scrape = client.get("/metrics").get_data(True)
        line = 'followup_rate_limited_total{limit="sign_in_per_ip"} '
        found = [row for row in scrape.splitlines() if row.startswith(line)]
        return float(found[0].split()[-1]) if found else 0.0

    before = refused()
    for n in range(4):
        sign_in(client, f"person{n}@example.org")

    assert refused() == before + 2


def test_the_sign_in_form_itself_is_never_limited(app, client):
    assert {client.get("/login").status_code for _ in range(5)} == {200}


# --- webhooks --------------------------------------------------------------------


def test_webhooks_past_the_limit_get_json_429_and_nothing_is_stored(
    db, post_event, refusals
):
    answers = [
        post_event(interview_event(**{"data.interview.id": f"i-{n}"})) for n in range(3)
    ]

    assert [a.status_code for a in answers] == [202, 202, 429]
    refused = answers[-1]
    assert refused.get_json()["error"] == "rate_limited"
    assert "try again" in refused.get_json()["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert count(db, InboxEvent) == 2
    assert refusals == ["webhooks_per_source"]


def test_unsigned_requests_do_not_use_up_a_sources_allowance(db, client, post_event):
    for _ in range(5):
        forged = client.post(
            "/webhooks/standard",
            json=interview_event(),
            headers={
                "webhook-id": "x",
                "webhook-timestamp": "1",
                "webhook-signature": "v1,AAAA",
            },
        )
        assert forged.status_code == 401

    assert post_event(interview_event()).status_code == 202


def test_a_vendors_setup_ping_is_answered_when_its_allowance_is_spent(db, client):
    for n in range(2):
        post_greenhouse(client, {"action": "candidate_deleted", "payload": {"n": n}})

    assert post_greenhouse(client, ping()).status_code == 200
    over = post_greenhouse(client, {"action": "candidate_deleted", "payload": {}})
    assert over.status_code == 429


def test_one_source_spending_its_allowance_leaves_others_alone(db, client, post_event):
    for n in range(3):
        post_event(interview_event(**{"data.interview.id": f"i-{n}"}))

    answer = post_greenhouse(client, {"action": "candidate_deleted", "payload": {}})

    assert answer.status_code in (200, 202)


# --- unsubscribe -----------------------------------------------------------------


def test_one_click_unsubscribes_from_one_server_are_not_limited_per_address(
    db, client, post_event, run_jobs
):
    # A mailbox provider posts everyone's opt-outs from the same few addresses.
    statuses = {client.post(f"/unsubscribe/someone-{n}").status_code for n in range(40)}

    assert 429 not in statuses


def test_one_unsubscribe_link_is_limited_generously(db, client, post_event, run_jobs):
    application = an_application(db, post_event, run_jobs)
    path = f"/unsubscribe/{make_token(UNSUBSCRIBE, application.id)}"

    statuses = [client.post(path).status_code for _ in range(31)]

    assert set(statuses[:30]) == {200}
    assert statuses[30] == 429
    db.session.expire_all()
    assert application.emails_stopped_at is not None
