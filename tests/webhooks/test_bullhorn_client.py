"""The Bullhorn client against the stand-in: login flow, sessions, back-off, logs."""

from __future__ import annotations

import logging
import re

import pytest

from tests.fakes.bullhorn_api import running_bullhorn
from webhooks import SourceUnavailable
from webhooks.bullhorn.client import BullhornClient, Credentials


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def bullhorn():
    with running_bullhorn() as state:
        state.add("Candidate", {"id": 1, "firstName": "Dana"})
        yield state


def _client(state, waits=None, clock=None):
    credentials = Credentials(
        client_id=state.client_id,
        client_secret=state.client_secret,
        username=state.username,
        password=state.password,
        login_url=state.base_url,
    )
    return BullhornClient(
        credentials,
        sleep=(waits if waits is not None else []).append,
        monotonic=clock or FakeClock(),
    )


def test_login_discovers_the_data_centre_and_uses_the_rest_url_given(bullhorn):
    answer = _client(bullhorn).call("GET", "entity/Candidate/1", {"fields": "id"})

    assert answer == {"data": {"id": 1}}
    assert bullhorn.calls == [
        ("GET", "/rest-services/loginInfo"),
        ("GET", "/dc/rest-services/loginInfo"),  # after the 307
        ("GET", "/oauth/authorize"),
        ("POST", "/oauth/token"),
        ("POST", "/dc/rest-services/login"),
        ("GET", "/dc/rest-services/corp1/entity/Candidate/1"),
    ]


def test_the_session_is_refreshed_before_it_lapses(bullhorn):
    clock = FakeClock()
    client = _client(bullhorn, clock=clock)
    client.call("GET", "entity/Candidate/1", {"fields": "id"})
    bullhorn.calls.clear()

    clock.now += 20 * 60 - 30  # inside the refresh margin of a 20-minute session
    client.call("GET", "entity/Candidate/1", {"fields": "id"})

    assert bullhorn.calls == [
        ("POST", "/oauth/token"),  # grant_type=refresh_token
        ("POST", "/dc/rest-services/login"),
        ("GET", "/dc/rest-services/corp1/entity/Candidate/1"),
    ]
    assert any("grant_type=refresh_token" in url for url in bullhorn.seen_urls)


def test_a_refused_refresh_token_logs_in_afresh(bullhorn):
    clock = FakeClock()
    client = _client(bullhorn, clock=clock)
    client.call("GET", "entity/Candidate/1", {"fields": "id"})
    bullhorn.refresh_tokens.clear()
    bullhorn.expire_sessions()

    clock.now += 3600
    assert client.call("GET", "entity/Candidate/1", {"fields": "id"})

    assert ("GET", "/oauth/authorize") in bullhorn.calls[-4:]


def test_a_long_retry_after_gives_up_with_a_clear_reason(bullhorn):
    bullhorn.fail("entity/Candidate", 429, **{"Retry-After": "3600"})

    with pytest.raises(SourceUnavailable, match="asks to wait 3600 s"):
        _client(bullhorn).call("GET", "entity/Candidate/1", {"fields": "id"})


def test_an_empty_body_is_no_answer_not_an_error(bullhorn):
    bullhorn.subscriptions["followup"] = {"names": ["Candidate"], "eventTypes": []}

    answer = _client(bullhorn).call(
        "GET", "event/subscription/followup", {"maxEvents": 100}
    )

    assert answer is None


def test_no_password_or_token_reaches_the_logs(bullhorn, caplog):
    bullhorn.fail("entity/Candidate", 401)
    bullhorn.fail("entity/Candidate", 500)
    with caplog.at_level(logging.DEBUG):
        _client(bullhorn).call("GET", "entity/Candidate/1", {"fields": "id"})

    assert caplog.records  # the retries were logged
    assert bullhorn.password not in caplog.text
    assert bullhorn.client_secret not in caplog.text
    assert not re.search(r"(bhrest|access|refresh|code)-\d+", caplog.text)
