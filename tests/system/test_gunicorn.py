"""Under gunicorn, as shipped: counters add up over workers, and refusals are logged.

Each gunicorn worker is its own process. Without prometheus_client's multiprocess
mode a scrape would show one worker's counts; with PROMETHEUS_MULTIPROC_DIR set it
shows them all. Logging is set up by the app factory, so workers log too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from flask_migrate import upgrade

from plugin import create_app
from tests.support.ports import free_port


@pytest.fixture
def gunicorn(tmp_path: Path):
    """gunicorn with two workers on the embedded default, JSON logs to a file."""
    data, counts, log = tmp_path / "data", tmp_path / "metrics", tmp_path / "web.log"
    counts.mkdir()
    app = create_app({"DATA_DIR": str(data), "TICK_INTERVAL": "0"})
    with app.app_context():
        upgrade()
    port = free_port()
    environ = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(data),
        "TICK_INTERVAL": "0",
        "LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(counts),
    }
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2"]
            + ["--bind", f"127.0.0.1:{port}", "plugin.wsgi:app"],
            stdout=stderr,
            stderr=stderr,
            env=environ,
            cwd=tmp_path,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz")
        yield base, counts, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn never answered {url}")


def _post_unsigned(url: str) -> int:
    request = urllib.request.Request(url, data=b"{}", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def _refused_count(base: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as answer:
        text = answer.read().decode()
    wanted = 'followup_webhooks_total{source="standard",status="401"} '
    lines = [line for line in text.splitlines() if line.startswith(wanted)]
    return float(lines[0].split()[-1]) if lines else 0.0


def _posts_while_one_worker_is_held(base: str) -> list[int]:
    """Post while a half-sent request holds one worker, then finish that request.

    The held request is the first in the queue, so the first worker to accept takes
    it and waits for the rest; the other sync worker answers the posts meanwhile.
    The held one then answers its own: each worker has answered at least once.
    """
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as held:
        held.sendall(b"POST /webhooks/standard HTTP/1.1\r\nHost: x\r\n")
        statuses = [_post_unsigned(base + "/webhooks/standard") for _ in range(3)]
        held.sendall(b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
        status_line = held.makefile("rb").readline().decode()
    statuses.append(int(status_line.split()[1]))
    return statuses


def test_counters_add_up_over_workers_and_refusals_are_logged(gunicorn):
    base, counts, log = gunicorn

    statuses = _posts_while_one_worker_is_held(base)
    scrapes = [_refused_count(base) for _ in range(4)]

    refused = len(statuses)
    assert statuses == [401] * refused
    assert len(list(counts.glob("counter_*.db"))) == 2  # both workers counted
    # Whichever worker answers the scrape, it reports every worker's count.
    assert scrapes == [refused] * 4
    lines = [json.loads(line) for line in log.read_text().splitlines() if "{" in line]
    refusals = [
        line
        for line in lines
        if line.get("logger") == "plugin.views.webhooks"
        and line["message"].startswith("webhook standard refused")
    ]
    assert len(refusals) == refused


def test_the_image_and_compose_give_gunicorn_a_fresh_counts_folder():
    root = Path(__file__).resolve().parents[2]
    dockerfile = (root / "Dockerfile").read_text()
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())

    assert "ENV PROMETHEUS_MULTIPROC_DIR=/tmp/followup-metrics" in dockerfile
    assert compose["services"]["web"]["tmpfs"] == ["/tmp/followup-metrics:mode=1777"]


def test_the_web_app_leaves_the_commands_and_migrations_unloaded(tmp_path):
    # Loaded, they would stay in every worker's memory; /healthz loads Alembic when
    # first asked, and the commands are never needed under gunicorn.
    unused = ("plugin.cli", "flask_migrate", "alembic", "httpx")
    launch = (
        "import sys\n"
        "import plugin.wsgi\n"
        f"print('loaded:', *sorted(set({unused!r}) & set(sys.modules)))\n"
    )
    environ = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path / "data")}

    done = subprocess.run(
        [sys.executable, "-c", launch],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "loaded:"
