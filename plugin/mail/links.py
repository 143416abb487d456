"""Signed links for candidates: one salt per purpose, ids only, each with a lifetime.

Tokens are readable, not secret: they carry an application id and are signed with
SECRET_KEY (older keys in SECRET_KEY_FALLBACKS still verify during a rotation).
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from werkzeug.routing import MapAdapter

from plugin import clock

PLAN_PAGE = "plan-page"
UNSUBSCRIBE = "unsubscribe"

# The pages emails link to, by endpoint. The blueprints declare these routes from
# here, and an app without pages (the job worker's) adds them with `know_pages`,
# so that the links its emails carry are built the same way.
LINKED_PAGES = {
    "plan.show": "/plan/<token>",
    "unsubscribe.confirm": "/unsubscribe/<token>",
    "auth.confirm_login": "/login/<token>",
    "dashboard.applications": "/dashboard/applications",
    "dashboard.application": "/dashboard/applications/<int:application_id>",
    "dashboard.settings": "/dashboard/settings",
}

# A cadence runs about five weeks after the last round; links outlive it by a margin.
LIFETIMES = {
    PLAN_PAGE: timedelta(days=120),
    UNSUBSCRIBE: timedelta(days=400),  # unsubscribe links work for over a year
}


class BadLink(Exception):
    """A link that is tampered with, meant for something else, or too old."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class _ClockedSigner(TimestampSigner):
    """Checks ages against our clock, so tests and `tick --at` see links expire.

    Links are stamped with the earlier of our clock and the wall clock: a link in an
    email sent by a tick moved forward with `--at` still opens today.
    """

    _stamping = False

    def get_timestamp(self) -> int:
        now = clock.now().timestamp()
        return int(min(now, time.time()) if self._stamping else now)

    def sign(self, value: str | bytes) -> bytes:
        self._stamping = True
        try:
            return super().sign(value)
        finally:
            self._stamping = False


def serializer_for(purpose: str) -> URLSafeTimedSerializer:
    """The signer of one kind of link (its own salt), with the key and its fallbacks."""
    config = current_app.config
    keys = (*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"])
    return _serializer(purpose, keys)


@lru_cache(maxsize=32)
def _serializer(purpose: str, keys: tuple[Any, ...]) -> URLSafeTimedSerializer:
    # Built once per purpose and keys: building one serialises a sample payload.
    return URLSafeTimedSerializer(
        list(keys), salt=f"followup.{purpose}", signer=_ClockedSigner
    )


def make_token(purpose: str, application_id: int) -> str:
    """A token for one purpose and one application."""
    return str(serializer_for(purpose).dumps({"a": application_id}))


def make_tokens(application_id: int, *purposes: str) -> list[str]:
    """A token for each purpose, all for one application.

    They carry the same payload, serialised once; each is still signed with its
    own purpose's salt and stamped on its own, so it opens only its own page and
    expires after its own lifetime, exactly as `make_token`'s would.
    """
    serializers = [serializer_for(purpose) for purpose in purposes]
    payload = serializers[0].dump_payload({"a": application_id})
    return [
        serializer.make_signer().sign(payload).decode("utf-8")
        for serializer in serializers
    ]


def read_token(purpose: str, token: str) -> int:
    """The application id a token carries, or BadLink."""
    max_age = int(LIFETIMES[purpose].total_seconds())
    try:
        payload = serializer_for(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise BadLink(expired=True) from exc
    except BadSignature as exc:
        raise BadLink(expired=False) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        raise BadLink(expired=False)
    return int(payload["a"])


def know_pages(app: Flask) -> None:
    """Give an app without blueprints the routes of the pages emails link to."""
    for endpoint, rule in LINKED_PAGES.items():
        app.add_url_rule(rule, endpoint=endpoint)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link under BASE_URL, built from the route's own declaration.

    Emails are built in jobs, and inline jobs may run inside someone else's
    request: bind to BASE_URL, never to the current request's host. Only the
    pages in LINKED_PAGES may be linked: they are all a job worker's app knows.
    """
    if endpoint not in LINKED_PAGES:
        raise ValueError(f"{endpoint} is not in LINKED_PAGES")
    return _base_url_adapter().build(endpoint, values, force_external=True)


def _base_url_adapter() -> MapAdapter:
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )


def plan_url(application_id: int) -> str:
    """The candidate's plan page for one application."""
    return external_url("plan.show", token=make_token(PLAN_PAGE, application_id))


def unsubscribe_url(application_id: int) -> str:
    """The one-click unsubscribe link for one application."""
    token = make_token(UNSUBSCRIBE, application_id)
    return external_url("unsubscribe.confirm", token=token)


def email_links(application_id: int) -> dict[str, str]:
    """The plan page and unsubscribe links every candidate email carries.

    The same links as `plan_url` and `unsubscribe_url`, made together.
    """
    plan, unsubscribe = make_tokens(application_id, PLAN_PAGE, UNSUBSCRIBE)
    adapter = _base_url_adapter()
    return {
        "plan_url": adapter.build("plan.show", {"token": plan}, force_external=True),
        "unsubscribe_url": adapter.build(
            "unsubscribe.confirm", {"token": unsubscribe}, force_external=True
        ),
    }
