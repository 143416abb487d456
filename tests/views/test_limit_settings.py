"""Limit settings, the client's address behind PROXY_HOPS, and where counts live."""

from __future__ import annotations

import os

import pytest

from plugin import create_app
from plugin.config import ConfigError, load_config
from plugin.extensions.limits import storage_uri
from plugin.extensions.queues import use_redis
from tests.support.events import interview_event
from tests.support.forms import csrf_token
from tests.support.ports import free_port
from tests.support.signing import SignedPost

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
FORGED = {"X-Forwarded-For": "192.0.2.1"}


def sign_in(client, email, headers=None):
    page = client.get("/login")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "email": email}
    return client.post("/login", data=data, headers=headers or {})


def sign_ins_from_two_forwarded_addresses(settings, hops):
    settings.update(RATE_LIMIT_SIGN_IN="1 per minute", PROXY_HOPS=str(hops))
    client = create_app(settings).test_client()
    first = sign_in(client, "a@example.org", {"X-Forwarded-For": "192.0.2.1"})
    second = sign_in(client, "b@example.org", {"X-Forwarded-For": "192.0.2.2"})
    return first.status_code, second.status_code


def test_without_proxy_hops_a_forged_forwarded_for_changes_nothing(settings):
    # Both come from the same peer: the second is over the per-address limit.
    assert sign_ins_from_two_forwarded_addresses(settings, 0) == (200, 429)


def test_with_one_proxy_hop_the_forwarded_address_is_the_client(settings):
    assert sign_ins_from_two_forwarded_addresses(settings, 1) == (200, 200)


def test_the_defaults_are_documented_values(settings):
    config = load_config(settings)

    assert config["RATE_LIMIT_PLAN"] == "30 per minute;300 per hour"
    assert config["RATE_LIMIT_SIGN_IN"] == "20 per minute;200 per hour"
    assert config["RATE_LIMIT_WEBHOOKS"] == "600 per minute"
    assert config["PROXY_HOPS"] == 0


@pytest.mark.parametrize(
    "name", ["RATE_LIMIT_PLAN", "RATE_LIMIT_SIGN_IN", "RATE_LIMIT_WEBHOOKS"]
)
@pytest.mark.parametrize("value", ["lots", "0 per minute", "10 per fortnight"])
def test_a_limit_that_cannot_be_read_stops_the_start_naming_it(settings, name, value):
    settings[name] = value

    with pytest.raises(ConfigError, match=name):
        load_config(settings)


def test_proxy_hops_must_be_a_whole_number(settings):
    settings["PROXY_HOPS"] = "-1"

    with pytest.raises(ConfigError, match="PROXY_HOPS"):
        load_config(settings)


def test_an_unreachable_redis_leaves_each_process_counting_in_memory(settings):
    # Counting is a defence, not a dependency: pages keep working without Redis.
    settings.update(
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        RATE_LIMIT_SIGN_IN="1 per minute",
    )
    app = create_app(settings)
    use_redis(app, None)
    client = app.test_client()

    answers = [sign_in(client, f"p{n}@example.org").status_code for n in (1, 2)]

    assert answers == [200, 429]


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL (a real Redis)")
def test_the_count_lives_in_redis_for_every_web_process(settings, redis):
    settings.update(REDIS_URL=TEST_REDIS_URL, RATE_LIMIT_SIGN_IN="1 per minute")

    # Each start builds its storage afresh: only a count kept in Redis survives it.
    first = sign_in(create_app(settings).test_client(), "a@example.org")
    second = sign_in(create_app(settings).test_client(), "b@example.org")

    assert (first.status_code, second.status_code) == (200, 429)
    assert any(b"followup-limits" in key for key in redis.keys("*"))


def test_without_redis_each_process_counts_for_itself(settings):
    settings["RATE_LIMIT_SIGN_IN"] = "1 per minute"

    first = sign_in(create_app(settings).test_client(), "a@example.org")
    second = sign_in(create_app(settings).test_client(), "b@example.org")

    assert (first.status_code, second.status_code) == (200, 200)


@pytest.mark.parametrize(
    ("redis_url", "storage"),
    [
        (None, "memory://"),
        ("redis://cache:6379/0", "redis://cache:6379/0"),
        ("rediss://cache:6380/1", "rediss://cache:6380/1"),
        ("unix:///run/redis/redis.sock", "redis+unix:///run/redis/redis.sock"),
    ],
)
def test_counts_go_to_the_redis_the_queues_use(redis_url, storage):
    assert storage_uri(redis_url) == storage


def test_webhooks_are_counted_in_memory_while_redis_is_unreachable(app, settings):
    # (`app` empties the tables afterwards; this test builds its own.)
    settings.update(
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        RATE_LIMIT_WEBHOOKS="2 per minute",
    )
    app = create_app(settings)
    use_redis(app, None)
    post_event = SignedPost(app.test_client())

    answers = [
        post_event(interview_event(**{"data.interview.id": f"i-{n}"})).status_code
        for n in range(3)
    ]

    assert answers == [202, 202, 429]
