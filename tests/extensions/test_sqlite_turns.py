"""Writers' turns between the web process and the jobs process (SQLite)."""

from __future__ import annotations

import subprocess
import sys
import time

from plugin.extensions import sqlite

HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
print(time.time(), flush=True)  # the moment it lets go
fcntl.flock(fd, fcntl.LOCK_UN)
"""


def hold_lock_elsewhere(lock_file, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_file), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_the_turn_passes_between_processes_when_the_other_lets_go(tmp_path):
    lock_file = tmp_path / "writers.lock"
    turn = sqlite.WritersTurn(lock_file)
    holder = hold_lock_elsewhere(lock_file, 0.3)

    assert turn.take()
    taken_at = time.time()
    turn.give()
    assert holder.stdout is not None
    let_go_at = float(holder.stdout.readline())
    holder.wait()

    assert let_go_at <= taken_at < let_go_at + 5


def test_a_writer_stops_waiting_for_a_lock_held_too_long(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite, "TURN_WAIT_SECONDS", 0.3)
    lock_file = tmp_path / "writers.lock"
    turn = sqlite.WritersTurn(lock_file)
    holder = hold_lock_elsewhere(lock_file, 30)
    try:
        started = time.monotonic()
        assert turn.take()  # its own thread's turn; the file's lock given up on
        waited = time.monotonic() - started
        turn.give()
    finally:
        holder.kill()
        holder.wait()

    assert 0.3 <= waited < 5
    # Once the other process is gone, the file's lock is taken again.
    assert turn.take()
    turn.give()
