"""Follow-Up Coach: the Flask application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from plugin.config import load_config

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(
    config: Mapping[str, Any] | None = None, *, web: bool = True, commands: bool = True
) -> Flask:
    """Build the app from env-style settings (`config`, else the environment).

    Each process loads only what it uses, since every module imported stays in its
    memory for good: the job worker passes `web=False` (no pages, rate limits,
    metrics or CSRF), and gunicorn `commands=False` (no `followup` commands, and so
    no Alembic behind `followup db`).
    """
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR))
    settings = dict(os.environ if config is None else config)
    app.config.update(load_config(settings))
    # Plain Flask settings (TESTING, ...) may be passed straight through.
    app.config.update({k: v for k, v in settings.items() if k in ("TESTING",)})
    app.config["MIGRATIONS_DIR"] = MIGRATIONS_DIR
    register_templates(app)
    register_extensions(app)
    if web:
        trust_proxies(app)
        register_web_extensions(app)
        register_blueprints(app)
    else:
        # No pages to serve, but emails still link to them.
        from plugin.mail.links import know_pages

        know_pages(app)
    if commands:
        register_commands(app)
    return app


def register_templates(app: Flask) -> None:
    """Search the firm's TEMPLATES_DIR first, then ours (a missing folder is fine)."""
    from plugin.mail.language import current_language

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(app.config["TEMPLATES_DIR"])),
            FileSystemLoader(str(TEMPLATES_DIR)),
        ]
    )
    app.jinja_env.globals["current_language"] = current_language


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and -Proto from PROXY_HOPS proxies, and no one else."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops
        )


def register_extensions(app: Flask) -> None:
    """Bind the database, queues and translations: what pages and jobs both use."""
    from plugin import models  # noqa: F401  (registers the tables)
    from plugin.extensions import (
        babel,
        check_connections_at_checkout,
        db,
        logs,
        queues,
        sqlite,
    )
    from plugin.mail import wording
    from plugin.mail.language import selected_language

    logs.init_app(app)
    sqlite.use_write_ahead_log()
    babel.init_app(
        app,
        default_locale=app.config["POLICY"].firm.language,
        locale_selector=selected_language,
    )
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            check_connections_at_checkout(db.engine)
    queues.init_app(app)
    wording.init_app(app)


def register_web_extensions(app: Flask) -> None:
    """Bind what only requests meet: rate limits, their counter, and CSRF."""
    from plugin.extensions import limits, metrics
    from plugin.extensions.forms import csrf

    # Limits first: a refused request is turned away before any other work.
    limits.init_app(app)
    metrics.count_refusals()
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount the HTTP endpoints, the OpenAPI document and the error handlers."""
    from plugin.extensions.forms import csrf
    from plugin.views import (
        api,
        auth,
        branding,
        dashboard,
        errors,
        health,
        home,
        intake,
        metrics,
        openapi,
        plan,
        security,
        unsubscribe,
        webhooks,
    )

    # Signed by their senders or bearing a token, not a browser session: no CSRF.
    for exempt in (webhooks.bp, unsubscribe.bp, api.bp):
        csrf.exempt(exempt)
    for blueprint in (
        health.bp,
        metrics.bp,
        home.bp,
        webhooks.bp,
        plan.bp,
        unsubscribe.bp,
        auth.bp,
        dashboard.bp,
        branding.bp,
    ):
        app.register_blueprint(blueprint)
    # The API's blueprint is registered through its description (/openapi.json).
    openapi.register(app, api.bp)
    errors.register(app)
    security.register(app)
    intake.install(app)


def register_commands(app: Flask) -> None:
    """Add the `followup` verbs, and `followup db` (Flask-Migrate), to the app's CLI."""
    from flask_migrate import Migrate

    from plugin import cli
    from plugin.extensions import db

    Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    cli.register(app)
