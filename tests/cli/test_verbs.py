"""The top-level `followup` verbs: run, worker, scheduler, tick."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plugin.cli import main
from tests.support.events import interview_event
from tests.support.ports import free_port


def test_tick_at_sends_what_is_due_at_that_instant(
    app, runner, smtp, post_event, run_jobs
):
    post_event(interview_event())
    run_jobs()

    result = runner.invoke(args=["tick", "--at", "2026-12-01T16:00:00-06:00"])
    run_jobs()

    assert result.exit_code == 0, result.output
    assert "1 step(s) claimed, 1 email(s) queued" in result.output
    assert len(smtp.candidate_messages) == 1


@pytest.mark.parametrize("value", ["tomorrow", "2026-12-01T16:00:00"])
def test_tick_at_refuses_unclear_instants(runner, value):
    result = runner.invoke(args=["tick", "--at", value])

    assert result.exit_code == 2
    assert value in result.output


def test_worker_explains_that_inline_jobs_need_no_worker(inline_app):
    result = inline_app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 2
    assert "REDIS_URL is not set" in result.output


def test_worker_runs_queued_jobs_with_an_app_context(app, db, runner, post_event):
    from sqlalchemy import select

    from plugin.models import InboxEvent, InboxStatus

    post_event(interview_event())

    result = runner.invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(InboxEvent)).one().status == InboxStatus.PROCESSED


def test_scheduler_refuses_a_zero_interval(runner):
    result = runner.invoke(args=["scheduler"])

    assert result.exit_code == 2
    assert "TICK_INTERVAL is 0" in result.output


def test_console_script_lists_the_fixed_verbs(tmp_path):
    script = Path(sys.executable).parent / "followup"
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path)}

    result = subprocess.run(
        [str(script), "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )

    for verb in ("run", "worker", "scheduler", "tick", "demo", "db"):
        assert f"  {verb} " in result.stdout


def test_clock_is_frozen_only_inside_the_tick(runner):
    runner.invoke(args=["tick", "--at", "2020-01-01T00:00:00Z"])

    from plugin import clock

    assert clock.now() > datetime(2026, 1, 1, tzinfo=UTC)


def _start(args: list[str], tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    script = Path(sys.executable).parent / "followup"
    environ = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.Popen(
        [str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
        cwd=tmp_path,
    )


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    seen = []
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("".join(seen))


def test_run_serves_the_embedded_default_and_prints_its_folder(tmp_path):
    import json
    import urllib.request

    port = free_port()
    process = _start(["run", "--port", str(port)], tmp_path, TICK_INTERVAL="1")
    try:
        output = _read_until(process, "Running on")
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/healthz", timeout=10
        ) as r:
            health = json.load(r)
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert f"Data folder: {tmp_path / 'data'}" in output
    assert "Jobs: a background process" in output and "Tick: every 1 s" in output
    checks = health["checks"]
    assert health["status"] != "down" and checks["redis"]["status"] == "not configured"
    assert checks["database"]["status"] == "ok" and checks["mail"]["status"] == "ok"
    assert checks["migrations"]["status"] == "ok"  # `run` upgraded the database
    assert checks["sources"] == {"status": "ok", "polled": {}}  # none configured
    assert (tmp_path / "data" / "followup.sqlite3").exists()


def test_scheduler_ticks_and_stops_cleanly_on_sigterm(tmp_path):
    import signal

    from click.testing import CliRunner

    CliRunner().invoke(
        main, ["db", "upgrade"], env={"DATA_DIR": str(tmp_path / "data")}
    )
    process = _start(["scheduler"], tmp_path, TICK_INTERVAL="1")
    try:
        output = _read_until(process, "tick at")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()

    assert "Ticking every 1 s" in output


def test_an_invalid_policy_stops_the_start_naming_the_key(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[check_in]\ndays_after_deadline = 2\n")
    script = Path(sys.executable).parent / "followup"
    env = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(tmp_path),
        "POLICY_FILE": str(policy),
    }

    result = subprocess.run(
        [str(script), "tick"], capture_output=True, text=True, env=env, timeout=60
    )

    assert result.returncode == 1
    assert "check_in.days_after_deadline: must be at least 3" in result.stderr
    assert "Traceback" not in result.stderr
