"""Serving as deployed: real gunicorn and nginx on loopback, and slow clients."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
GUNICORN_SETTINGS = "python:plugin.gunicorn_conf"
# Debian's nginx lives in /usr/sbin, which a non-root PATH may leave out.
NGINX = shutil.which(
    "nginx", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin"
)


@dataclass
class Answer:
    """What a probe got back, and how long it waited."""

    status: int | None
    seconds: float


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """One request on a fresh connection; status None if no answer came in time."""
    started = time.monotonic()
    if tls is None:
        conn: http.client.HTTPConnection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout
        )
    else:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=tls
        )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        status: int | None = conn.getresponse().status
    except (TimeoutError, OSError):
        status = None
    finally:
        conn.close()
    return Answer(status, time.monotonic() - started)


def wait_until_answering(port: int, tls: ssl.SSLContext | None = None) -> None:
    """Poll /healthz until the server answers (at most 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if request(port, "GET", "/healthz", timeout=2, tls=tls).status is not None:
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port} within 30 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a server we started to stop; kill it if it will not."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def gunicorn(
    settings: dict[str, Any], port: int, *flags: str
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn with the shipped settings (`flags` override them) on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS")}
    env.update({k: str(v) for k, v in settings.items() if k != "TESTING"})
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        GUNICORN_SETTINGS,
        "--bind",
        f"127.0.0.1:{port}",
        *flags,
        "plugin.wsgi:app",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until_answering(port)
        yield process
    finally:
        stop(process)


@dataclass
class SlowClients:
    """Clients that send a webhook's headers, then trickle its body a byte at a time.

    Each declares a body far longer than it will ever send, and holds its connection
    until closed.
    """

    port: int
    count: int
    tls: ssl.SSLContext | None = None
    interval: float = 0.5
    sockets: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> SlowClients:
        for _ in range(self.count):
            self.sockets.append(self._open())
        self._trickler = threading.Thread(target=self._trickle, daemon=True)
        self._trickler.start()
        time.sleep(1.0)  # let the server take them in before anyone probes
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._trickler.join(timeout=5)
        for sock in self.sockets:
            sock.close()

    def _open(self) -> socket.socket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock = (
            self.tls.wrap_socket(raw, server_hostname="127.0.0.1") if self.tls else raw
        )
        sock.sendall(
            b"POST /webhooks/standard HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        )
        return sock

    def _trickle(self) -> None:
        while not self._stop.wait(self.interval):
            for sock in self.sockets:
                try:
                    sock.sendall(b" ")
                except OSError:
                    pass  # the server gave up on this one: fine by us


NGINX_MAIN = """
daemon off;
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/followup.conf;
}}
"""


def site_config(upstream: int, http_port: int, https_port: int, tls_dir: Path) -> str:
    """deploy/nginx.conf as shipped, pointed at loopback ports and test certificates."""
    text = NGINX_SITE.read_text(encoding="utf-8")
    for shipped, here in (
        ("server web:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/nginx/tls/", f"{tls_dir}/"),
    ):
        # The shipped file must still say this, or the test would test something else.
        assert shipped in text, f"deploy/nginx.conf no longer has {shipped!r}"
        text = text.replace(shipped, here)
    return text


@contextmanager
def nginx(folder: Path, site: str) -> Iterator[subprocess.Popen[bytes]]:
    """Debian's nginx in the foreground, with `site` as its only server config."""
    assert NGINX is not None
    (folder / "followup.conf").write_text(site, encoding="utf-8")
    # Run as root (as CI does), its workers must be able to enter our folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        NGINX_MAIN.format(folder=folder, user=user), encoding="utf-8"
    )
    check = subprocess.run(
        [
            NGINX,
            "-t",
            "-p",
            str(folder),
            "-e",
            str(folder / "error.log"),
            "-c",
            str(folder / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(folder),
            "-e",
            str(folder / "error.log"),
            "-c",
            str(folder / "nginx.conf"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        stop(process)
