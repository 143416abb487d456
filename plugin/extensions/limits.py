"""Rate limits (Flask-Limiter): counted in Redis when REDIS_URL is set, else in memory.

Every refusal is logged as `rate_limited` with the limit's name, and announced on the
`rate_limited` signal (`rate_limited.connect(fn)`; `fn(app, limit=name)`), so that
counters can be kept without touching the views. Limit keys are keyed hashes: neither
Redis nor a log line ever holds a token, an email address or a client's address.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable

from blinker import Namespace
from flask import Flask, current_app, has_request_context, request
from flask_limiter import Limiter, RequestLimit
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

log = logging.getLogger(__name__)

rate_limited = Namespace().signal("rate-limited")

# Several web processes must share one count: Redis when there is one.
STORAGE_PREFIX = "followup-limits"


def _hashed(kind: str, value: str) -> str:
    """A key that names nobody: an HMAC of the value under the app's secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{kind}:{digest}"


def client_address() -> str:
    """The client's address: the peer, or X-Forwarded-For within PROXY_HOPS."""
    return _hashed("ip", request.remote_addr or "unknown")


def link_token() -> str:
    """The signed link in the URL (plan page, unsubscribe)."""
    return _hashed("token", str((request.view_args or {}).get("token", "")))


def sign_in_address() -> str:
    """The email address a sign-in link is asked for, as the form gives it."""
    return _hashed("email", request.form.get("email", "").strip().lower())


# Where `take` counts while the shared storage cannot be reached.
FALLBACK_EXTENSION = "followup.limits_fallback"

limiter = Limiter(
    key_func=client_address,
    strategy="moving-window",
    key_prefix=STORAGE_PREFIX,
    # A Redis outage must not take the pages down: each process counts in its own
    # memory until Redis answers again, and any other storage error lets it through.
    in_memory_fallback_enabled=True,
    swallow_errors=True,
)


def init_app(app: Flask) -> None:
    """Count in the app's Redis when it has one, else in this process's memory."""
    url = app.config.get("REDIS_URL")
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(url)
    if url:
        timeout = app.config["REDIS_TIMEOUT"]
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
    limiter.init_app(app)
    app.extensions[FALLBACK_EXTENSION] = MovingWindowRateLimiter(MemoryStorage())
    # One limiter serves every app built in this process (tests build many): a new
    # app's storage is presumed up, whatever an earlier app's Redis did.
    limiter._storage_dead = False


def storage_uri(redis_url: str | None) -> str:
    """The limits library's name for REDIS_URL's server, or memory without one."""
    if not redis_url:
        return "memory://"
    # A Unix socket is `unix:///path` to redis-py, `redis+unix:///path` to limits.
    if redis_url.startswith("unix://"):
        return "redis+" + redis_url
    return redis_url


def setting(name: str) -> Callable[[], str]:
    """The limit in the app's setting `name`, read when a request is checked."""
    return lambda: str(current_app.config[name])


def refusal_of(name: str) -> Callable[[RequestLimit], None]:
    """An on-breach callback that reports a refusal under the limit's `name`."""
    return lambda _limit: report_refusal(name)


def report_refusal(name: str) -> None:
    """Log and announce one refused request (names only, no personal data)."""
    route = request.url_rule if has_request_context() else None
    log.info("rate_limited limit=%s path=%s", name, route or "-")
    rate_limited.send(current_app._get_current_object(), limit=name)  # type: ignore[attr-defined]


def seconds_to_wait() -> int:
    """How long until the limit this request broke lets one through again."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.reset_at - time.time()))


def take(name: str, limit_value: str, key: str) -> int | None:
    """Count one request against `limit_value` for `key`; seconds to wait if over.

    For checks a view makes itself, once it knows a request counts. While the
    shared storage fails, this process counts in its own memory, as routes do.
    """
    try:
        return _take(limiter.limiter, name, limit_value, key)
    except Exception as exc:  # Redis unreachable or hung: its errors vary
        log.warning("rate limit %s counted in memory: %s", name, type(exc).__name__)
        fallback = current_app.extensions[FALLBACK_EXTENSION]
        return _take(fallback, name, limit_value, key)


@functools.lru_cache(maxsize=16)
def _parsed(limit_value: str) -> tuple[RateLimitItem, ...]:
    """The limit's parts, parsed once per setting, not on every webhook."""
    return tuple(parse_many(limit_value))


def _take(strategy: RateLimiter, name: str, limit_value: str, key: str) -> int | None:
    for item in _parsed(limit_value):
        if not strategy.hit(item, STORAGE_PREFIX, name, key):
            reset_at, _ = strategy.get_window_stats(item, STORAGE_PREFIX, name, key)
            report_refusal(name)
            return max(1, math.ceil(reset_at - time.time()))
    return None
