"""One line, not a traceback, when a command meets a database or Redis error."""

from __future__ import annotations

from typing import Any

import click
import redis
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy.exc import SQLAlchemyError

from plugin.operations.monitoring import schema_state


class FollowupGroup(FlaskGroup):
    """Flask's CLI group, answering database and Redis errors in one line.

    Every command gets this once, here: an operator needs the setting to check,
    not a traceback of a hundred lines.
    """

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Find our own commands before loading other packages' (`db`).

        Flask loads every package's commands first, and Flask-Migrate's `db` brings
        all of Alembic with it: a worker found here never imports it.
        """
        own = click.Group.get_command(self, ctx, name)
        return own if own is not None else super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn a database or Redis error into a one-line exit 1."""
        try:
            return super().invoke(ctx)
        except SQLAlchemyError as exc:
            raise click.ClickException(_database_problem(ctx, exc)) from None
        except redis.RedisError as exc:
            raise click.ClickException(_redis_problem(exc)) from None


def _redis_problem(error: redis.RedisError) -> str:
    kind = type(error).__name__
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return f"cannot reach Redis ({kind}); check REDIS_URL"
    return f"Redis refused the command ({kind}); check REDIS_URL"


def _database_problem(ctx: click.Context, error: SQLAlchemyError) -> str:
    """Say whether the database is unreachable, not migrated, or something else.

    The error's own text is not shown: a database may quote the row's values.
    """
    kind = type(error).__name__
    try:
        app = ctx.ensure_object(ScriptInfo).load_app()
        with app.app_context():
            state = schema_state()
    except SQLAlchemyError:
        return f"cannot reach the database ({kind}); check DATABASE_URL"
    if not state.migrated:
        return (
            "the database has no tables yet: run `followup db upgrade` "
            "(or check that DATABASE_URL names the right database)"
        )
    if not state.at_head:
        return (
            f"the database is at migration {','.join(state.current)}, this version "
            f"needs {','.join(state.heads)}: run `followup db upgrade`"
        )
    return f"the database refused the command ({kind}); check DATABASE_URL"
