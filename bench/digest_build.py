"""Benchmark: building one recruiter's digest with 5,000 active applications.

    python -m bench.digest_build [--applications 5000] [--runs 7]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/followup_bench,
created if missing and rebuilt each run). Loads the rows with COPY: every application
has a touchpoint plan, a fifth have a competing offer, a tenth are overdue (half of
those already told this week), some sent a check-in or a move-on, some interview
today. Times `build_digest` and counts its queries.
Not run in CI.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import psycopg

from plugin import create_app
from plugin.extensions import count_statements, db
from plugin.models import Recruiter
from plugin.operations.digest import build_digest

from .common import (
    bench_settings,
    copy_rows,
    create_database,
    database_url,
    rebuild_schema,
)

NOW = datetime(2026, 12, 10, 12, 30, tzinfo=UTC)  # 07:30 in New York


def main() -> None:
    args = _arguments()
    url = database_url()
    create_database(url)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(bench_settings(url, folder))
        with app.app_context():
            rebuild_schema()
            _load(url, args.applications)
            recruiter = db.session.get(Recruiter, 1)
            queries = count_statements(lambda: build_digest(recruiter, NOW))
            timings, total = [], 0
            for _ in range(args.runs):
                db.session.expire_all()
                started = time.perf_counter()
                total = build_digest(recruiter, NOW).total
                timings.append((time.perf_counter() - started) * 1000)
    print(
        f"digest of {args.applications:,} applications ({total:,} items, "
        f"{queries} queries), {args.runs} runs: median "
        f"{statistics.median(timings):.1f} ms, min {min(timings):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=7)
    return parser.parse_args()


def _load(url: str, count: int) -> None:
    today = NOW.date()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO recruiters (id, email, name, timezone, created_at) "
            "VALUES (1, 'sam@staffing.example', 'Sam', 'America/New_York', "
            "%s)",
            (NOW,),
        )
        copy_rows(
            cursor,
            "candidates (id, source, external_id, first_name, last_name, email,"
            " created_at, updated_at)",
            (
                f"{n}\tbench\tc-{n}\tFirst{n}\tLast{n}\tp{n}@example.org\t{NOW}\t{NOW}\n"
                for n in range(1, count + 1)
            ),
        )
        copy_rows(
            cursor,
            "applications (id, source, external_id, candidate_id, recruiter_id,"
            " status, job_title, employer_name, decision_deadline,"
            " source_updated_at, created_at, updated_at)",
            (_application(n, today) for n in range(1, count + 1)),
        )
        copy_rows(
            cursor,
            "competing_offers (application_id, employer_name, offer_deadline,"
            " reported_at)",
            (
                f"{n}\tRival {n}\t{today + timedelta(days=n % 9)}\t{NOW}\n"
                for n in range(1, count + 1, 5)
            ),
        )
        copy_rows(
            cursor,
            "interviews (source, external_id, application_id, status, starts_at,"
            " ends_at, created_at, updated_at)",
            (_interview(n, today) for n in range(1, count + 1)),
        )
        copy_rows(
            cursor,
            "touchpoints (application_id, step, slot, status, planned_for, due_at,"
            " created_at, updated_at)",
            (
                f"{n}\tmove_on\t2026-12-01\t{_move_on_status(n)}\t"
                f"{NOW}\t{NOW}\t{NOW}\t{NOW}\n"
                for n in range(1, count + 1)
            ),
        )
        copy_rows(
            cursor,
            "outbound_emails (application_id, template, status, attempts, "
            "next_attempt_at, sent_at, created_at, updated_at)",
            (
                f"{n}\tcheck_in\tsent\t1\t{NOW}\t{NOW - timedelta(hours=3)}\t"
                f"{NOW}\t{NOW}\n"
                for n in range(1, count + 1, 17)
            ),
        )
        copy_rows(
            cursor,
            "outbound_emails (application_id, template, status, attempts, "
            "next_attempt_at, sent_at, created_at, updated_at)",
            (
                f"{n}\tmove_on\tsent\t1\t{NOW}\t{_move_on_sent(n)}\t{NOW}\t{NOW}\n"
                for n in range(13, count + 1, 13)
            ),
        )
        copy_rows(
            cursor,
            "digest_mentions (recruiter_id, application_id, reason, facts, shown_on)",
            (_mention(n, today) for n in range(10, count + 1, 20)),
        )
        connection.commit()
        cursor.execute("ANALYZE")


def _move_on_status(n: int) -> str:
    return "sent" if n % 13 == 0 else "planned"


def _move_on_sent(n: int) -> datetime:
    # Half the move-ons went out since yesterday's digest: told today, once.
    return NOW - timedelta(hours=5 if n % 26 == 0 else 72)


def _mention(n: int, today: date) -> str:
    """Half the overdue applications were told three days ago: not repeated today."""
    deadline = today - timedelta(days=2)
    return f"1\t{n}\toverdue\t{deadline}\t{today - timedelta(days=3)}\n"


def _application(n: int, today: date) -> str:
    deadline = today - timedelta(days=2) if n % 10 == 0 else today + timedelta(days=5)
    updated = NOW - timedelta(days=15 if n % 11 == 0 else 1)
    return (
        f"{n}\tbench\ta-{n}\t{n}\t1\tactive\tRole {n}\tEmployer {n}\t{deadline}\t"
        f"{updated}\t{NOW}\t{NOW}\n"
    )


def _interview(n: int, today: date) -> str:
    day = today if n % 25 == 0 else today - timedelta(days=3)
    starts = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=15)
    return (
        f"bench\ti-{n}\t{n}\tscheduled\t{starts}\t{starts + timedelta(hours=1)}\t"
        f"{NOW}\t{NOW}\n"
    )


if __name__ == "__main__":
    main()
