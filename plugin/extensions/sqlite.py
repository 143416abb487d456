"""SQLite, the embedded default's database, set up for a web server and a worker."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

# One writer at a time in this process, handed over at once (see `take_turns`).
_turn = threading.Lock()
_HOLDS_TURN = "followup.sqlite_turn"
# Past this, a transaction goes ahead without its turn: SQLite's own wait applies.
TURN_WAIT_SECONDS = 30.0


def use_write_ahead_log() -> None:
    """Open every SQLite database in WAL mode (once per process).

    In WAL mode readers never wait for the writer, and a commit appends to the log
    instead of rewriting pages: requests and the background worker share the file
    without queueing behind each other. Waits for the write lock are bounded by the
    connection's timeout (see `config._engine_options`).
    """
    if not event.contains(Engine, "connect", _set_journal_mode):
        event.listen(Engine, "connect", _set_journal_mode)


def take_turns() -> None:
    """Let this process's SQLite transactions take turns on a lock of our own.

    SQLite makes a waiting writer poll, sleeping longer each time: under load a
    request can miss turn after turn and wait seconds. A lock in the process wakes
    the next one the moment the last commits. Each transaction then takes SQLite's
    write lock at BEGIN, so it never has to give up midway. For `followup run`,
    where the web threads and the background worker share one file.
    """
    if not event.contains(Session, "after_transaction_end", _end_turn):
        event.listen(Session, "after_transaction_end", _end_turn)
    if not event.contains(Session, "after_begin", _begin_in_turn):
        event.listen(Session, "after_begin", _begin_in_turn)


def stop_taking_turns() -> None:
    """Back to SQLite's own waiting; a transaction holding its turn still ends it."""
    if event.contains(Session, "after_begin", _begin_in_turn):
        event.remove(Session, "after_begin", _begin_in_turn)


def _set_journal_mode(dbapi_connection: Any, record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # The mode is kept in the file; asking again on each connection is cheap.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _begin_in_turn(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    if connection.dialect.name != "sqlite" or session.info.get(_HOLDS_TURN):
        return
    if _turn.acquire(timeout=TURN_WAIT_SECONDS):
        session.info[_HOLDS_TURN] = True
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _end_turn(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and session.info.pop(_HOLDS_TURN, False):
        _turn.release()
