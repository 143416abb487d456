"""The links an email carries: made together, each still for one purpose only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugin import clock, create_app
from plugin.mail.links import (
    LIFETIMES,
    PLAN_PAGE,
    UNSUBSCRIBE,
    BadLink,
    email_links,
    make_token,
    read_token,
)

SENT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def tokens_of(links: dict[str, str]) -> tuple[str, str]:
    return (
        links["plan_url"].rpartition("/plan/")[2],
        links["unsubscribe_url"].rpartition("/unsubscribe/")[2],
    )


def test_links_made_together_are_the_links_made_one_by_one(app):
    with app.app_context(), clock.frozen_at(SENT):
        together = tokens_of(email_links(42))
        alone = (make_token(PLAN_PAGE, 42), make_token(UNSUBSCRIBE, 42))

    assert together == alone


def test_each_link_opens_only_its_own_page(app):
    with app.app_context(), clock.frozen_at(SENT):
        plan, unsubscribe = tokens_of(email_links(42))

        assert read_token(PLAN_PAGE, plan) == 42
        assert read_token(UNSUBSCRIBE, unsubscribe) == 42
        for purpose, token in ((PLAN_PAGE, unsubscribe), (UNSUBSCRIBE, plan)):
            with pytest.raises(BadLink) as refused:
                read_token(purpose, token)
            assert not refused.value.expired


def test_each_link_expires_after_its_own_lifetime(app):
    with app.app_context():
        with clock.frozen_at(SENT):
            plan, unsubscribe = tokens_of(email_links(42))
        with clock.frozen_at(SENT + LIFETIMES[PLAN_PAGE] + timedelta(seconds=2)):
            with pytest.raises(BadLink) as expired:
                read_token(PLAN_PAGE, plan)
            assert expired.value.expired
            assert read_token(UNSUBSCRIBE, unsubscribe) == 42
        with clock.frozen_at(SENT + LIFETIMES[UNSUBSCRIBE] + timedelta(seconds=2)):
            with pytest.raises(BadLink, match="expired"):
                read_token(UNSUBSCRIBE, unsubscribe)


def test_links_are_signed_with_the_running_apps_key(settings):
    first = create_app({**settings, "SECRET_KEY": "first-key"})
    second = create_app({**settings, "SECRET_KEY": "second-key"})
    with first.app_context(), clock.frozen_at(SENT):
        plan, _ = tokens_of(email_links(42))

    with second.app_context(), clock.frozen_at(SENT):
        with pytest.raises(BadLink):
            read_token(PLAN_PAGE, plan)
        assert tokens_of(email_links(42))[0] != plan
