"""Extension objects, created unbound and attached by the app factory."""

from collections.abc import Callable
from typing import Any, cast

from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import CursorResult, Executable, MetaData, event
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
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session; return how many rows it touched."""
    result = db.session.execute(statement)
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
