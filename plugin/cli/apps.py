"""Which app a `followup` command builds: the whole service, or the job worker's."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from plugin import create_app
from plugin.config import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

# Set in the ScriptInfo by a command that runs jobs only, before the app is built.
JOBS_ONLY = "followup_jobs_only"


def create_cli_app() -> Flask:
    """Build the app for the command being run; a bad setting is one line."""
    context = click.get_current_context(silent=True)
    info = context.find_object(ScriptInfo) if context else None
    jobs_only = bool(info and info.data.get(JOBS_ONLY))
    try:
        return create_app(web=not jobs_only, commands=not jobs_only)
    except ConfigError as exc:
        # A clear one-line refusal, not a traceback: the message names the setting.
        raise click.ClickException(f"cannot start: {exc}") from exc


def with_jobs_app(command: F) -> F:
    """Run `command` in an app context of an app built without its web parts.

    Like Flask's `with_appcontext`, for a process that only works jobs: pages,
    rate limits, metrics and the other commands would sit unused in its memory for
    as long as it runs. An app already given (the tests' CLI runner) is used as is.
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if not current_app:
            info = ctx.ensure_object(ScriptInfo)
            info.data[JOBS_ONLY] = True
            ctx.with_resource(info.load_app().app_context())
        return ctx.invoke(command, *args, **kwargs)

    return update_wrapper(decorator, command)  # type: ignore[return-value]
