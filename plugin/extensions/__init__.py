"""Extension objects, created unbound and attached by the app factory."""

import select
from collections.abc import Callable, Mapping
from typing import Any, cast

from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, Engine, Executable, MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
babel = Babel()


def rows_changed(
    statement: Executable, parameters: Mapping[str, Any] | None = None
) -> int:
    """Run an UPDATE or DELETE in the session; return how many rows it touched."""
    result = db.session.execute(statement, parameters)
    return int(cast(CursorResult[Any], result).rowcount or 0)


def commit_keeping_loaded() -> None:
    """Commit without expiring the rows the session has loaded.

    For a commit midway through a job that goes on using rows it alone may change
    (its own conditional UPDATE made them its own): reloading them would cost a
    round trip each for values already in hand.
    """
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def count_statements(action: Callable[[], object]) -> int:
    """How many SQL statements `action` sends (for tests and benchmarks of cost)."""
    sent: list[None] = []

    def record(*args: Any, **kwargs: Any) -> None:
        sent.append(None)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(sent)


def check_connections_at_checkout(engine: Engine) -> None:
    """Replace a pooled connection the server has closed before a request uses it.

    A server that restarts, or ends an idle session, tells the client so on the
    socket. Looking for that costs one system call and no round trip, where a
    pre-ping costs a round trip on every checkout. Only a connection with something
    to read is pinged, since a live one may rarely have been sent a notice.
    """

    def check(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if _has_something_to_read(dbapi_connection) and not _answers(
            engine, dbapi_connection
        ):
            # The pool discards this connection and checks out a fresh one.
            raise DisconnectionError("the server closed the connection")

    event.listen(engine, "checkout", check)


def _has_something_to_read(dbapi_connection: Any) -> bool:
    # Idle in the pool, a live connection normally has nothing to read: anything
    # waiting is most likely the server's goodbye (an error, or the stream's end).
    try:
        waiting, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except Exception:  # psycopg refuses fileno() on a closed connection
        return True
    return bool(waiting)


def _answers(engine: Engine, dbapi_connection: Any) -> bool:
    try:
        return bool(engine.dialect.do_ping(dbapi_connection))
    except Exception:  # whatever the driver raises, the connection is unusable
        return False
