"""`followup worker` waits out a Redis that is down instead of exiting."""

from __future__ import annotations

from ..faults.harness import RedisServer, WorkerProcess, wait_until


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
