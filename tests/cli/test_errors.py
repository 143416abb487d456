"""A database or Redis error is one line naming the setting to check, and exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask.cli import with_appcontext
from sqlalchemy import create_engine, text

from plugin.cli import main
from plugin.extensions.queues import redis_connection
from tests.support.settings import base_settings

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def followup(args: list[str], tmp_path: Path, **env: str) -> tuple[int, str]:
    """Run the installed `followup` as an operator would; all it prints, and rc."""
    script = Path(sys.executable).parent / "followup"
    environ = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path / "data"), **env}
    done = subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


def production(tmp_path: Path, database_url: str, **more: str) -> dict[str, str]:
    """Env of a production install (the settings it refuses to start without)."""
    settings = base_settings(database_url, tmp_path)
    settings.pop("TESTING")
    return {key: str(value) for key, value in {**settings, **more}.items()}


def test_tick_on_a_database_never_migrated_says_to_upgrade(tmp_path):
    code, output = followup(["tick"], tmp_path)

    assert code == 1
    assert output.splitlines() == [
        "Error: the database has no tables yet: run `followup db upgrade` "
        "(or check that DATABASE_URL names the right database)"
    ]


def test_an_unreachable_database_names_database_url(tmp_path):
    env = production(tmp_path, "postgresql://nobody@127.0.0.1:1/none")

    code, output = followup(["events", "list"], tmp_path, **env)

    assert code == 1
    assert output.splitlines() == [
        "Error: cannot reach the database (OperationalError); check DATABASE_URL"
    ]


def test_a_database_behind_this_version_says_to_upgrade(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num TEXT)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('d4e5f6a7b8c9')"))
    engine.dispose()

    code, output = followup(
        ["tick"], tmp_path, **production(tmp_path, f"sqlite:///{path}")
    )

    assert code == 1
    (line,) = output.splitlines()
    assert line.startswith("Error: the database is at migration d4e5f6a7b8c9")
    assert line.endswith("run `followup db upgrade`")


@click.command("ping-queue")
@with_appcontext
def ping_queue() -> None:
    """Talk to the app's Redis, as any command that queues work does."""
    connection = redis_connection()
    assert connection is not None
    connection.ping()


@pytest.fixture
def with_ping_queue():
    main.add_command(ping_queue)
    yield
    del main.commands["ping-queue"]


def test_an_unreachable_redis_names_redis_url(tmp_path, with_ping_queue):
    env = {"DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"}

    result = CliRunner().invoke(main, ["ping-queue"], env=env)

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: cannot reach Redis (ConnectionError); check REDIS_URL"
    ]


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs a real Redis (TEST_REDIS_URL)")
def test_a_redis_that_refuses_the_worker_names_redis_url(tmp_path):
    # A database number the server does not have: Redis answers, and refuses.
    host_port = TEST_REDIS_URL.removeprefix("redis://").split("/")[0]

    code, output = followup(
        ["worker", "--burst"], tmp_path, REDIS_URL=f"redis://{host_port}/9999"
    )

    assert code == 1
    assert "Error: Redis refused the command (ResponseError); check REDIS_URL" in (
        output.splitlines()
    )
    assert "Traceback" not in output


def test_the_scheduler_stops_at_once_on_a_database_never_migrated(tmp_path):
    code, output = followup(["scheduler"], tmp_path, TICK_INTERVAL="30")

    assert code == 1
    assert output.splitlines()[-1].startswith("Error: the database has no tables yet")
    assert "Traceback" not in output
