"""SQLite, the embedded default's database, set up for a web server and a worker."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

_HOLDS_TURN = "followup.sqlite_turn"
# Past this, a transaction goes ahead without its turn: SQLite's own wait applies.
TURN_WAIT_SECONDS = 30.0
# Longest a process keeps the turn from the other one while its own threads wait.
SHARED_TURN_SECONDS = 0.02


class WritersTurn:
    """One writer at a time: a thread lock in this process, a file lock between them.

    The thread holding the turn in this process also holds the lock file's advisory
    lock, which the kernel drops if its process dies. A finished writer hands the
    turn to a waiting thread of its own process without letting go of the file, so
    a burst of short webhook INSERTs goes in between two jobs of the jobs process
    instead of one INSERT per job; `SHARED_TURN_SECONDS` bounds that, so the other
    process still gets its turn.
    """

    def __init__(self, lock_file: Path) -> None:
        self._file = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        self._thread_turn = threading.Lock()
        self._waiting = 0
        self._counting = threading.Lock()
        # When this process took the file's lock (None: not held). Only the thread
        # holding `_thread_turn` reads or changes it.
        self._file_held_since: float | None = None

    def take(self) -> bool:
        """Wait for the turn; False if the wait ran out (then go ahead without)."""
        with self._counting:
            self._waiting += 1
        taken = self._thread_turn.acquire(timeout=TURN_WAIT_SECONDS)
        with self._counting:
            self._waiting -= 1
        if taken and self._file_held_since is None and self._lock_file():
            self._file_held_since = time.monotonic()
        return taken

    def _lock_file(self) -> bool:
        """Take the file's lock within `TURN_WAIT_SECONDS`, or give up waiting.

        A writer that gave up goes ahead and meets SQLite's own timeout, as a
        transaction left open in the other process would make it anyway.
        """
        deadline = time.monotonic() + TURN_WAIT_SECONDS
        pause = 0.0005
        while True:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def give(self) -> None:
        """Pass the turn on: to a waiting thread of this process, or to any writer."""
        held_since = self._file_held_since
        with self._counting:
            others_wait = self._waiting > 0
        if held_since is not None and (
            not others_wait or time.monotonic() - held_since > SHARED_TURN_SECONDS
        ):
            self._file_held_since = None
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._thread_turn.release()


# This process's turn, once `take_turns` has set it up.
_turns: list[WritersTurn] = []


def use_write_ahead_log() -> None:
    """Open every SQLite database in WAL mode, with a Unicode lower() (once a process).

    In WAL mode readers never wait for the writer, and a commit appends to the log
    instead of rewriting pages: requests and the jobs process share the file
    without queueing behind each other. Waits for the write lock are bounded by the
    connection's timeout (see `config._engine_options`).
    """
    if not event.contains(Engine, "connect", _set_journal_mode):
        event.listen(Engine, "connect", _set_journal_mode)


def take_turns(lock_file: Path) -> None:
    """Let SQLite transactions take turns (`WritersTurn`), in every process.

    SQLite makes a waiting writer poll, sleeping longer each time: under load a
    request can miss turn after turn and wait seconds. Our locks wake the next
    writer the moment the last commits. Each transaction then takes SQLite's write
    lock at BEGIN, so it never has to give up midway. For `followup run`, whose web
    process and jobs process share one file; every process sharing the database
    must name the same `lock_file`.
    """
    if not _turns:
        _turns.append(WritersTurn(lock_file))
    if not event.contains(Session, "after_transaction_end", _end_turn):
        event.listen(Session, "after_transaction_end", _end_turn)
    if not event.contains(Session, "after_begin", _begin_in_turn):
        event.listen(Session, "after_begin", _begin_in_turn)


def stop_taking_turns() -> None:
    """Back to SQLite's own waiting; a transaction holding its turn still ends it."""
    if event.contains(Session, "after_begin", _begin_in_turn):
        event.remove(Session, "after_begin", _begin_in_turn)


@contextmanager
def turn_for(connection: Connection) -> Iterator[None]:
    """Hold the writers' turn around statements run outside a session (autocommit).

    Does nothing unless turns are taken and the database is SQLite.
    """
    taking = event.contains(Session, "after_begin", _begin_in_turn)
    held = taking and connection.dialect.name == "sqlite" and _turns[0].take()
    try:
        yield
    finally:
        if held:
            _turns[0].give()


def _set_journal_mode(dbapi_connection: Any, record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # The mode is kept in the file; asking again on each connection is cheap.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        # SQLite's own lower() folds ASCII only: "ÅNGSTRÖM" would not find
        # "Ångström". Python's folds every script, as PostgreSQL's does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _begin_in_turn(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    if connection.dialect.name != "sqlite" or session.info.get(_HOLDS_TURN):
        return
    if _turns[0].take():
        session.info[_HOLDS_TURN] = True
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _end_turn(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and session.info.pop(_HOLDS_TURN, False):
        _turns[0].give()
