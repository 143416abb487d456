"""Plan page links: signed for one purpose, they expire and survive a key rotation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from plugin import clock
from plugin.mail.links import PLAN_PAGE, UNSUBSCRIBE, make_token
from plugin.models import Application
from tests.support.candidate import THANK_YOU_DUE, first_email, open_plan, page_text


def test_tampered_link_is_a_friendly_404(client):
    response = client.get("/plan/not-a-real-token")

    assert response.status_code == 404
    assert "This link doesn't work" in page_text(response)


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("es-MX,es;q=0.9", "Este enlace no funciona"), ("de", "This link doesn't work")],
)
def test_a_link_we_cannot_read_speaks_the_browsers_language(
    client, accept_language, expected
):
    # No candidate to ask: the browser's language, when we ship it.
    answer = client.get(
        "/plan/not-a-real-token", headers={"Accept-Language": accept_language}
    )

    assert expected in page_text(answer)


def test_expired_link_is_a_friendly_410(app, db, client, smtp, post_event, run_jobs):
    with clock.frozen_at(THANK_YOU_DUE):
        path, _ = open_plan(client, post_event, run_jobs, smtp)
    with clock.frozen_at(THANK_YOU_DUE + timedelta(days=121)):
        response = client.get(path)

    assert response.status_code == 410
    assert "Dana" not in page_text(response)


def test_a_token_for_another_purpose_is_refused(
    app, db, client, smtp, post_event, run_jobs
):
    first_email(post_event, run_jobs, smtp)
    application_id = db.session.scalar(select(Application.id))
    with app.test_request_context():
        unsubscribe_token = make_token(UNSUBSCRIBE, application_id)

    assert client.get(f"/plan/{unsubscribe_token}").status_code == 404


def test_a_link_signed_with_a_retired_key_still_works_during_rotation(
    settings, redis, db, smtp, post_event, run_jobs
):
    from plugin import create_app

    first_email(post_event, run_jobs, smtp)
    application_id = db.session.scalar(select(Application.id))
    rotated = create_app(
        {
            **settings,
            "SECRET_KEY": "new-key",
            "SECRET_KEY_FALLBACKS": settings["SECRET_KEY"],
        }
    )
    with create_app(settings).test_request_context():
        old_token = make_token(PLAN_PAGE, application_id)

    assert rotated.test_client().get(f"/plan/{old_token}").status_code == 200
    stranger = create_app({**settings, "SECRET_KEY": "new-key"})
    assert stranger.test_client().get(f"/plan/{old_token}").status_code == 404
