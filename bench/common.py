"""What the benchmarks share: the database they use, its schema, and loading rows.

Run the benchmarks as modules from the repository root (`python -m bench.<name>`) so
this module is found.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable

import psycopg
from sqlalchemy import text

from plugin.extensions import db

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/followup_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def database_url() -> str:
    """BENCH_DATABASE_URL, or a `followup_bench` database on the local PostgreSQL."""
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def redis_url() -> str:
    """BENCH_REDIS_URL, or db 14 on the local Redis (flushed by the benchmarks)."""
    return os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)


def bench_settings(url: str, folder: str) -> dict[str, str]:
    """Settings for an app on `url`, with a minimal firm policy written in `folder`."""
    policy = os.path.join(folder, "policy.toml")
    with open(policy, "w", encoding="utf-8") as handle:
        handle.write('[firm]\npostal_address = "1 Bench Street"\n')
    return {
        "DATABASE_URL": url,
        "DATA_DIR": folder,
        "SECRET_KEY": "bench",
        "MAIL_FROM": "bench@example.org",
        "POLICY_FILE": policy,
    }


def create_database(url: str) -> None:
    """Create the database named at the end of `url` if it does not exist yet."""
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def rebuild_schema() -> None:
    """Drop every table and build the schema again with the migrations (app context)."""
    from flask_migrate import upgrade

    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def copy_rows(cursor: psycopg.Cursor, target: str, lines: Iterable[str]) -> None:
    """Load tab-separated `lines` into `target` ("table (columns)") with COPY."""
    buffer = io.StringIO()
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for line in lines:
            buffer.write(line)
            # Send about a megabyte at a time: big enough to be fast, small in memory.
            if buffer.tell() > 1 << 20:
                copy.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        copy.write(buffer.getvalue())
