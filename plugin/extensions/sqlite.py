"""SQLite, the embedded default's database, set up for a web server and a worker."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def use_write_ahead_log() -> None:
    """Open every SQLite database in WAL mode (once per process).

    In WAL mode readers never wait for the writer, and a commit appends to the log
    instead of rewriting pages: requests and the background worker share the file
    without queueing behind each other. Waits for the write lock are bounded by the
    connection's timeout (see `config._engine_options`).
    """
    if not event.contains(Engine, "connect", _set_journal_mode):
        event.listen(Engine, "connect", _set_journal_mode)


def _set_journal_mode(dbapi_connection: Any, record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # The mode is kept in the file; asking again on each connection is cheap.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
