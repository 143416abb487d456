"""Real parts to break: a private redis-server, a cuttable TCP proxy, a silent server
and a `followup worker` subprocess. Loopback only; everything stops by itself.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import redis

LOOPBACK = "127.0.0.1"
# What a worker (ours or RQ's own loop) logs when Redis is gone.
OUTAGE_SIGNS = ("Redis is unavailable", "could not connect to Redis", "lost Redis")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `condition` until it is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class RedisServer:
    """A private redis-server on a free port: kill it, restart it, freeze it."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> RedisServer:
        """Start (or restart, empty) on the same port and wait until it answers."""
        self.process = subprocess.Popen(
            ["redis-server", "--bind", LOOPBACK, "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=1)
        wait_until(self._answers(probe), 10, "redis-server to start")
        probe.close()
        return self

    @staticmethod
    def _answers(probe: redis.Redis) -> Callable[[], bool]:
        def ping() -> bool:
            try:
                return bool(probe.ping())
            except redis.RedisError:
                return False

        return ping

    def kill(self) -> None:
        """SIGKILL: every queued job is gone, as when a Redis host dies."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    def freeze(self) -> None:
        """SIGSTOP: connections are accepted by the kernel, nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT: answer again, with everything it held."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        """Stop for good (thawing first, so the kill is not left pending)."""
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
        self.kill()


class SilentServer:
    """Accepts TCP connections and never says a word: a hung Redis or SMTP server."""

    def __init__(self) -> None:
        self.listener = socket.create_server((LOOPBACK, 0))
        self.port = int(self.listener.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        """Hang up on everyone and stop listening."""
        self._closed = True
        _reset(self.listener)
        for connection in self.accepted:
            _reset(connection)


class TcpProxy:
    """A loopback proxy in front of a TCP service that can cut and restore it.

    Cut: every open connection is reset and new ones are refused, as when the
    database host drops off the network. Restore: it listens again, same port.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.cuts = 0
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        """Listen again and forward new connections."""
        self._listener = socket.create_server((LOOPBACK, self.port))
        threading.Thread(
            target=self._accept, args=(self._listener,), daemon=True
        ).start()

    def cut(self) -> None:
        """Reset every connection and refuse new ones until `restore`."""
        self.cuts += 1
        if self._listener is not None:
            _reset(self._listener)  # wakes the thread blocked in accept()
            self._listener = None
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for end in pair:
                _reset(end)

    def close(self) -> None:
        """Cut for good."""
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()


def _children(parent: int) -> list[int]:
    """Process ids whose parent is `parent` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _pump(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    peers = {a: b, b: a}
    try:
        while True:
            readable, _, _ = select.select(list(peers), [], [], 1.0)
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                peers[sock].sendall(data)
    except (OSError, ValueError):
        return
    finally:
        _reset(a)
        _reset(b)


def _reset(sock: socket.socket) -> None:
    """Close at once, waking any thread blocked on the socket."""
    try:
        # Linger 0: close with RST, as a dead network path looks to the client.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # A bare close() leaves a thread in accept() or select() blocked on it.
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class WorkerProcess:
    """A real `followup worker` in its own process group, to SIGKILL mid-batch."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *args: str) -> None:
        launch = "from plugin.cli import main; main()"
        command = [sys.executable, "-c", launch, "worker", *args]
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the forked job runner dies with it
            )

    @property
    def alive(self) -> bool:
        """Still running."""
        return self.process.poll() is None

    def log(self) -> str:
        """Everything the worker wrote, for assertions and failure messages."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def met_redis_outage(self, since: int = 0) -> bool:
        """The worker logged trouble reaching Redis after log offset `since`."""
        return any(sign in self.log()[since:] for sign in OUTAGE_SIGNS)

    def kill(self) -> None:
        """SIGKILL the worker and its job child at once, as a container kill does.

        RQ moves each job's child into a session of its own, so a process-group
        kill would miss it; the child is found by its parent instead.
        """
        if self.alive:
            for pid in [self.process.pid, *_children(self.process.pid)]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process.wait(10)

    def stop(self) -> int:
        """SIGTERM (a warm stop), then SIGKILL if it lingers; return the exit code."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                return self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.process.returncode)
