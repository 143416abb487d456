"""`followup worker` waits out a Redis that is down instead of exiting.

It builds an app without the web's parts, which would stay in its memory unused for
as long as it runs; so does `followup scheduler`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading

import pytest
import redis
from rq.exceptions import StopRequested

from plugin.cli.worker import OutageProofSimpleWorker

from ..faults.harness import RedisServer, WorkerProcess, wait_until

# What only requests, or other commands, use: pages, rate limits, metrics, CSRF,
# the API's description, migrations, and the ATS clients' HTTP library.
NOT_FOR_JOBS = (
    "plugin.views",
    "flask_limiter",
    "prometheus_client",
    "flask_wtf",
    "flask_smorest",
    "flask_migrate",
    "alembic",
    "httpx",
)


def test_worker_waits_for_redis_to_come_up(settings, tmp_path):
    redis_server = RedisServer(tmp_path)  # its port, not listening yet
    env = {k: str(v) for k, v in settings.items()} | {"REDIS_URL": redis_server.url}
    worker = WorkerProcess(env, tmp_path / "worker.log", "--burst")
    try:
        wait_until(worker.met_redis_outage, 20, "a retry")
        assert worker.alive
        redis_server.start()
        exit_code = worker.process.wait(20)
    finally:
        worker.kill()
        redis_server.close()

    assert exit_code == 0, worker.log()
    assert "done, quitting" in worker.log()


def test_worker_stops_on_sigterm_while_redis_is_down(settings, tmp_path):
    redis_server = RedisServer(tmp_path).start()
    env = {k: str(v) for k, v in settings.items()} | {"REDIS_URL": redis_server.url}
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        wait_until(lambda: "Listening on" in worker.log(), 20, "the worker to start")
        mark = len(worker.log())
        redis_server.kill()
        wait_until(lambda: worker.met_redis_outage(mark), 20, "the worker to notice")
        exit_code = worker.stop()
    finally:
        worker.kill()
        redis_server.close()

    assert exit_code == 0, worker.log()


@pytest.mark.parametrize("redis_dies", ["before the wait", "during the wait"])
def test_a_stop_whose_exception_was_lost_still_stops_the_idle_worker(
    tmp_path, redis_dies
):
    # RQ stops an idle worker by raising StopRequested from the signal handler. A
    # signal that lands inside a log call (RQ logs every failed try to reach Redis)
    # has that exception swallowed by `logging`: here, the suppress below. Redis
    # lost before the wait is retried by our loop; lost during it, by RQ's own.
    redis_server = RedisServer(tmp_path).start()
    worker = OutageProofSimpleWorker(
        ["events"], connection=redis.Redis.from_url(redis_server.url)
    )
    signals = (signal.SIGINT, signal.SIGTERM)
    handlers = {number: signal.getsignal(number) for number in signals}
    outcome: list[str] = []

    def wait_for_a_job() -> None:
        try:
            worker.dequeue_job_and_maintain_ttl(1)
            outcome.append("dequeued")
        except StopRequested:
            outcome.append("stopped")

    waiting = threading.Thread(target=wait_for_a_job, daemon=True)
    try:
        if redis_dies == "before the wait":
            redis_server.kill()
        waiting.start()
        if redis_dies == "during the wait":
            wait_until(lambda: worker.get_state() == "idle", 10, "the wait")
            redis_server.kill()
        with contextlib.suppress(StopRequested):
            worker.request_stop(signal.SIGTERM, None)
        waiting.join(15)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        redis_server.close()

    assert outcome == ["stopped"]


def test_the_worker_leaves_the_web_parts_unloaded(settings, tmp_path):
    redis_server = RedisServer(tmp_path).start()
    env = {k: str(v) for k, v in settings.items()} | {"REDIS_URL": redis_server.url}
    # Print, as the worker exits, which of those it loaded.
    launch = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('loaded:', *sorted(set({NOT_FOR_JOBS!r})"
        " & set(sys.modules))))\n"
        "from plugin.cli import main\n"
        "main(['worker', '--burst'])\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", launch],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        redis_server.close()

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "loaded:"


def test_the_scheduler_leaves_the_web_parts_unloaded(settings):
    env = {k: str(v) for k, v in settings.items()} | {"TICK_INTERVAL": "3600"}
    launch = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('loaded:', *sorted(set({NOT_FOR_JOBS!r})"
        " & set(sys.modules))))\n"
        "from plugin.cli import main\n"
        "main(['scheduler'])\n"
    )
    scheduler = subprocess.Popen(
        [sys.executable, "-c", launch],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert scheduler.stdout is not None
        assert scheduler.stdout.readline().startswith("Ticking every 3600 s")
        scheduler.terminate()
        out, err = scheduler.communicate(timeout=60)
    finally:
        scheduler.kill()

    assert scheduler.returncode == 0, err
    assert out.splitlines()[-1] == "loaded:"
