"""Checks on the URL settings, so a typo stops the service at start, not at 3 a.m."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# The schemes each setting understands, with an example for the error message.
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")
REDIS_SCHEMES = ("redis", "rediss", "unix")
BASE_SCHEMES = ("http", "https")
DATABASE_BACKENDS = ("postgresql", "sqlite")


class BadUrl(ValueError):
    """A URL setting that cannot work; the message says why, without the value."""


def check_smtp_url(url: str) -> None:
    """`smtp://`, `smtp+starttls://` or `smtps://`, with a host and a valid port."""
    parts = _split(url, SMTP_SCHEMES, "smtp://host:port")
    _need_host(parts, "smtp://host:port")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BadUrl("has a path or query; it must look like smtp://host:port")


def check_redis_url(url: str) -> None:
    """`redis://host[:port][/db]`, `rediss://…` or `unix:///path/to/socket`."""
    parts = _split(url, REDIS_SCHEMES, "redis://host:6379/0")
    if parts.scheme == "unix":
        if not parts.path:
            raise BadUrl("has no socket path; it must look like unix:///path")
        return
    _need_host(parts, "redis://host:6379/0")
    database = parts.path.lstrip("/")
    if database and not database.isdigit():
        raise BadUrl(f"has database {database!r}; it must be a number such as /0")


def check_base_url(url: str) -> None:
    """`http(s)://host[:port][/path]`: the address links in emails point to."""
    parts = _split(url, BASE_SCHEMES, "https://coach.example.com")
    _need_host(parts, "https://coach.example.com")
    if parts.query or parts.fragment:
        raise BadUrl("has a query or fragment; links are built on it")


def check_database_url(url: str) -> None:
    """A SQLAlchemy URL for PostgreSQL or SQLite."""
    if _has_space(url):
        raise BadUrl("contains spaces or control characters")
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise BadUrl(
            "is not a database URL; it must look like postgresql://user@host/db"
        ) from exc
    # Hosted PostgreSQL often hands out postgres:// URLs; they are taken as postgresql.
    backend = parsed.get_backend_name()
    backend = "postgresql" if backend == "postgres" else backend
    if backend not in DATABASE_BACKENDS:
        raise BadUrl(f"uses {backend!r}; only postgresql and sqlite are supported")
    if backend == "postgresql" and not parsed.database:
        raise BadUrl("names no database; it must look like postgresql://user@host/db")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise BadUrl(f"has port {parsed.port}, outside 1-65535")


def _split(url: str, schemes: tuple[str, ...], example: str) -> SplitResult:
    if _has_space(url):
        raise BadUrl("contains spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise BadUrl(f"must look like {example} (schemes: {', '.join(schemes)})")
    try:
        port = parts.port
    except ValueError as exc:  # not a number, or beyond 65535
        raise BadUrl("has a port that is not a number in 1-65535") from exc
    if port == 0:
        raise BadUrl("has port 0; it must be in 1-65535")
    return parts


def _need_host(parts: SplitResult, example: str) -> None:
    if not parts.hostname:
        raise BadUrl(f"has no host; it must look like {example}")


def _has_space(url: str) -> bool:
    return any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url)
