"""Settings from environment variables, parsed in one place (12-factor)."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from limits import parse_many

from plugin.config import urls
from plugin.config.policy import Policy, PolicyError
from plugin.config.policy_file import load_policy

WEBHOOK_MAX_BYTES = 256 * 1024
LOG_FORMATS = ("text", "json")
# Redis answers in well under a millisecond; waiting longer only holds up a webhook
# whose event is already stored (the tick queues it later).
REDIS_TIMEOUT_SECONDS = 0.25

# Rate limits in Flask-Limiter's syntax ("30 per minute;300 per hour"); each applies
# to every key named in the README's security section. None is met in normal use.
RATE_LIMIT_DEFAULTS = {
    # Plan-page forms, per link and per client address.
    "RATE_LIMIT_PLAN": "30 per minute;300 per hour",
    # Sign-in link requests, per email address and per client address.
    "RATE_LIMIT_SIGN_IN": "20 per minute;200 per hour",
    # Signed deliveries per webhook source (an ATS's bulk update sends bursts).
    "RATE_LIMIT_WEBHOOKS": "600 per minute",
}

# Each URL setting and the check it must pass before the service starts.
URL_CHECKS = {
    "DATABASE_URL": urls.check_database_url,
    "REDIS_URL": urls.check_redis_url,
    "SMTP_URL": urls.check_smtp_url,
    "BASE_URL": urls.check_base_url,
}

# Bullhorn's settings, copied into the app config as they are (README, "Bullhorn").
BULLHORN_SETTINGS = (
    "BULLHORN_CLIENT_ID",
    "BULLHORN_CLIENT_SECRET",
    "BULLHORN_USERNAME",
    "BULLHORN_PASSWORD",
    "BULLHORN_LOGIN_URL",
    "BULLHORN_AUTH_URL",
    "BULLHORN_SUBSCRIPTION",
)
BULLHORN_DEFAULTS = {
    "BULLHORN_LOGIN_URL": "https://rest.bullhornstaffing.com",
    "BULLHORN_SUBSCRIPTION": "followup",
}

# Lever's and Ashby's API settings, copied as they are (docs/sources/*.md); their
# webhook secrets are read apart, as tuples of keys.
VENDOR_API_SETTINGS = (
    "LEVER_API_KEY",
    "LEVER_API_URL",
    "ASHBY_API_KEY",
    "ASHBY_API_URL",
    "GREENHOUSE_CLIENT_ID",
    "GREENHOUSE_CLIENT_SECRET",
    "GREENHOUSE_USER_ID",
    "GREENHOUSE_TOKEN_URL",
    "GREENHOUSE_HARVEST_URL",
)
VENDOR_API_DEFAULTS = {
    "LEVER_API_URL": "https://api.lever.co/v1",
    "ASHBY_API_URL": "https://api.ashbyhq.com",
    "GREENHOUSE_TOKEN_URL": "https://auth.greenhouse.io/token",
    "GREENHOUSE_HARVEST_URL": "https://harvest.greenhouse.io/v3",
}

# Names read from the environment; each is documented in the README's table.
ENV_NAMES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SMTP_URL",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "LOG_FORMAT",
    "BASE_URL",
    "MAIL_FROM",
    "POLICY_FILE",
    "TICK_INTERVAL",
    "STANDARD_WEBHOOK_SECRET",
    "DATA_DIR",
    "TEMPLATES_DIR",
    "WEBHOOK_MAX_BYTES",
    "REDIS_TIMEOUT",
    "SOURCES_POLL_INTERVAL",
    *BULLHORN_SETTINGS,
    "SMTP_TIMEOUT",
    "EMAILS_PER_JOB",
    "SUPPRESSION_KEY",
    "LEVER_SIGNATURE_TOKEN",
    "ASHBY_WEBHOOK_SECRET",
    "GREENHOUSE_WEBHOOK_SECRET",
    *VENDOR_API_SETTINGS,
    "METRICS_TOKEN",
    "PROMETHEUS_MULTIPROC_DIR",
    *RATE_LIMIT_DEFAULTS,
    "PROXY_HOPS",
)


class ConfigError(RuntimeError):
    """Settings the service refuses to start with."""


def firm_policy() -> Policy:
    """The firm's policy for the running app, as loaded at start-up."""
    loaded: Policy = current_app.config["POLICY"]
    return loaded


def app_settings() -> Mapping[str, Any]:
    """The running app's settings, for sources that need their own (read-only)."""
    settings: Mapping[str, Any] = current_app.config
    return settings


def load_config(environ: Mapping[str, Any]) -> dict[str, Any]:
    """Turn env-style settings into Flask config; raise ConfigError if unusable."""
    env = {k: v for k, v in environ.items() if v not in (None, "")}
    _check_urls(env)
    data_dir = Path(env.get("DATA_DIR") or Path.cwd() / "instance").resolve()
    embedded = "DATABASE_URL" not in env
    try:
        policy = load_policy(env.get("POLICY_FILE"))
    except PolicyError as exc:
        raise ConfigError(str(exc)) from exc
    config: dict[str, Any] = {
        "EMBEDDED": embedded,
        "DATA_DIR": data_dir,
        # The firm's own email and page templates, searched before ours.
        "TEMPLATES_DIR": Path(env.get("TEMPLATES_DIR") or data_dir / "templates"),
        "SQLALCHEMY_DATABASE_URI": _database_uri(env.get("DATABASE_URL"), data_dir),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(env.get("DATABASE_URL")),
        "REDIS_URL": env.get("REDIS_URL"),
        "REDIS_TIMEOUT": _positive_seconds(env, "REDIS_TIMEOUT", REDIS_TIMEOUT_SECONDS),
        "SMTP_URL": env.get("SMTP_URL"),
        "MAIL_DIR": None if env.get("SMTP_URL") else data_dir / "mail",
        # Seconds to wait for each SMTP reply; mail job timeouts are sized from it.
        "SMTP_TIMEOUT": _positive_seconds(env, "SMTP_TIMEOUT", 30.0),
        "EMAILS_PER_JOB": max(1, _whole_number(env, "EMAILS_PER_JOB", 20)),
        # Key of the suppression list's hashes; derived from SECRET_KEY when unset.
        "SUPPRESSION_KEY": env.get("SUPPRESSION_KEY"),
        "BASE_URL": str(env.get("BASE_URL", "http://127.0.0.1:5000")).rstrip("/"),
        "MAIL_FROM": env.get("MAIL_FROM", "Follow-Up Coach <coach@localhost>"),
        "TICK_INTERVAL": _whole_number(env, "TICK_INTERVAL", 30),
        "SOURCES_POLL_INTERVAL": _whole_number(env, "SOURCES_POLL_INTERVAL", 60),
        "LOG_FORMAT": _log_format(env.get("LOG_FORMAT", "text")),
        "MAX_CONTENT_LENGTH": _whole_number(
            env, "WEBHOOK_MAX_BYTES", WEBHOOK_MAX_BYTES
        ),
        "POLICY": policy,
        # The plan page's session cookie only carries CSRF tokens and flash messages.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": str(env.get("BASE_URL", "")).startswith("https://"),
        "WTF_CSRF_TIME_LIMIT": None,  # bound to the session, not to a clock
        "SECRET_KEY": env.get("SECRET_KEY"),
        # Older keys, newest last, still accepted on links during a rotation.
        "SECRET_KEY_FALLBACKS": str(env.get("SECRET_KEY_FALLBACKS", "")).split(),
        "STANDARD_WEBHOOK_SECRETS": _webhook_secrets(
            env.get("STANDARD_WEBHOOK_SECRET"), "STANDARD_WEBHOOK_SECRET"
        ),
    }
    config.update(_metrics_settings(env))
    for name, default in RATE_LIMIT_DEFAULTS.items():
        config[name] = _rate_limit(env, name, default)
    # Proxies in front of us whose X-Forwarded-For is trusted (0: the peer is the
    # client; the compose file's nginx makes it 1).
    config["PROXY_HOPS"] = _whole_number(env, "PROXY_HOPS", 0)
    for name in BULLHORN_SETTINGS:
        config[name] = env.get(name, BULLHORN_DEFAULTS.get(name))
    # Plain-text keys, several (space-separated) while a rotation is under way.
    config["LEVER_SIGNATURE_TOKENS"] = _plain_secrets(env.get("LEVER_SIGNATURE_TOKEN"))
    config["ASHBY_WEBHOOK_SECRETS"] = _plain_secrets(env.get("ASHBY_WEBHOOK_SECRET"))
    config["GREENHOUSE_WEBHOOK_SECRETS"] = _plain_secrets(
        env.get("GREENHOUSE_WEBHOOK_SECRET")
    )
    for name in VENDOR_API_SETTINGS:
        config[name] = env.get(name, VENDOR_API_DEFAULTS.get(name))
    if embedded:
        _fill_embedded_secrets(config, data_dir)
    else:
        _require_production_settings(config, env)
    return config


def _check_urls(env: Mapping[str, Any]) -> None:
    """Refuse a malformed URL setting by name; the value may hold a password."""
    for name, check in URL_CHECKS.items():
        if name in env:
            try:
                check(str(env[name]))
            except urls.BadUrl as exc:
                raise ConfigError(f"{name} {exc}") from exc


def _metrics_settings(env: Mapping[str, Any]) -> dict[str, Any]:
    """`/metrics` access, and the folder where gunicorn's workers keep their counts."""
    folder = env.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and not Path(str(folder)).is_dir():
        # Counting would fail at the first webhook; refuse at start instead.
        raise ConfigError("PROMETHEUS_MULTIPROC_DIR must name an existing folder")
    return {
        "METRICS_TOKEN": env.get("METRICS_TOKEN"),
        "PROMETHEUS_MULTIPROC_DIR": folder,
    }


def _log_format(value: str) -> str:
    if value not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    return value


def _database_uri(url: str | None, data_dir: Path) -> str:
    if not url:
        return f"sqlite:///{data_dir / 'followup.sqlite3'}"
    # Hosted PostgreSQL often hands out postgres:// URLs; we talk through psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(url: str | None) -> dict[str, Any]:
    # Errors and logs must never quote row values: they hold candidates' data.
    options: dict[str, Any] = {"hide_parameters": True}
    # No pool_pre_ping on PostgreSQL: a round trip per checkout. A connection the
    # server closed is found at checkout without one (check_connections_at_checkout).
    if not url or url.startswith("sqlite"):
        # Web threads, the background tick and the CLI share one SQLite file.
        options["connect_args"] = {"timeout": 30}
    return options


def _whole_number(env: Mapping[str, Any], name: str, default: int) -> int:
    value = env.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc
    if number < 0:
        raise ConfigError(f"{name} must be zero or more")
    return number


def _rate_limit(env: Mapping[str, Any], name: str, default: str) -> str:
    value = str(env.get(name, default))
    try:
        parsed = parse_many(value)
    except ValueError as exc:
        raise ConfigError(
            f"{name} must be limits like '30 per minute;300 per hour', got {value!r}"
        ) from exc
    if not parsed or any(item.amount < 1 for item in parsed):
        raise ConfigError(f"{name} must let at least one request through")
    return value


def _positive_seconds(env: Mapping[str, Any], name: str, default: float) -> float:
    value = env.get(name, default)
    try:
        seconds = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be a number of seconds, got {value!r}") from exc
    if not 0 < seconds <= 3600:
        raise ConfigError(f"{name} must be more than 0 and at most 3600 seconds")
    return seconds


def _webhook_secrets(value: str | None, name: str) -> tuple[bytes, ...]:
    """Decode `whsec_<base64>` secrets; several, space-separated, during rotation."""
    keys = []
    for secret in (value or "").split():
        encoded = secret.removeprefix("whsec_")
        try:
            keys.append(base64.b64decode(encoded, validate=True))
        except ValueError as exc:
            raise ConfigError(f"{name}: a secret is not whsec_<base64>") from exc
    return tuple(keys)


def _plain_secrets(value: str | None) -> tuple[bytes, ...]:
    """Secrets a vendor hands out as plain text, used as HMAC keys in UTF-8."""
    return tuple(secret.encode() for secret in (value or "").split())


def _fill_embedded_secrets(config: dict[str, Any], data_dir: Path) -> None:
    """Keep one generated key per data folder: links and signatures survive restarts."""
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _kept_secret(
            data_dir / "secret_key", secrets.token_hex(32)
        )
    if not config["STANDARD_WEBHOOK_SECRETS"]:
        generated = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        kept = _kept_secret(data_dir / "standard_webhook_secret", generated)
        config["STANDARD_WEBHOOK_SECRETS"] = _webhook_secrets(
            kept, "standard_webhook_secret"
        )


def _kept_secret(path: Path, generated: str) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this deployment just wrote it
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(generated + "\n")
    return generated


def _require_production_settings(
    config: dict[str, Any], env: Mapping[str, Any]
) -> None:
    missing = [name for name in ("SECRET_KEY", "MAIL_FROM") if not env.get(name)]
    if not config["POLICY"].firm.postal_address:
        missing.append("firm.postal_address (in POLICY_FILE)")
    if missing:
        raise ConfigError(
            "DATABASE_URL is set, so these settings are required too: "
            + ", ".join(missing)
        )
