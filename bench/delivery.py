"""Benchmark: delivering N due thank-yous against a bare smtplib loop.

    python -m bench.delivery [--emails 300] [--pairs 3] [--rounds 1] [--interviewers 1]

One set of due thank-yous (N candidates, one each) is built once. With --rounds R
and --interviewers K, each candidate had R rounds that day, each with K interviewers:
R thank-yous each, every one loading all the rounds. A is our delivery:
`deliver_emails` in jobs of 20, as the tick queues them, run in this process (the
jobs' own work, not RQ's). B sends the very same rendered messages with a bare
smtplib loop: B1 over one connection, B2 opening a connection per message. The SMTP
server is aiosmtpd's sink in its own process on loopback. After each A run the rows
are put back to "pending", so every run sends the same emails.

Uses BENCH_DATABASE_URL (emptied) and no Redis. Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import re
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from plugin import clock, create_app
from plugin.extensions import db
from plugin.jobs.delivery import deliver_emails
from plugin.jobs.inbox import process_inbox_event
from plugin.jobs.tick import claim_due_touchpoints
from plugin.mail.messages import build_message, new_message_id, render_email
from plugin.models import (
    EmailStatus,
    InboxEvent,
    OutboundEmail,
    TimelineEntry,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)
from tests.support.events import DELETE, numbered_event
from tests.support.ports import free_port

from .common import bench_settings, create_database, database_url, rebuild_schema
from .pairs import interleave

DUE = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
JOB_SIZE = 20  # emails per delivery job, as the tick queues them


def main() -> None:
    args = _arguments()
    url = database_url()
    create_database(url)
    port = free_port()
    sink = _start_sink(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = {
                **bench_settings(url, folder),
                "SMTP_URL": f"smtp://127.0.0.1:{port}",
            }
            app = create_app(settings)
            with app.app_context(), clock.frozen_at(DUE):
                ids = _due_emails(args.emails, args.rounds, args.interviewers)
                payloads = _rendered(ids)
                print(f"{len(ids)} due thank-yous; sending each run", flush=True)
                ours = lambda: _ours(ids)  # noqa: E731
                one = interleave(ours, lambda: _bare(port, payloads, True), args.pairs)
                print(one.report("ours / bare, one connection", "ours", "bare", "s"))
                each = interleave(
                    ours, lambda: _bare(port, payloads, False), args.pairs
                )
                print(
                    each.report("ours / bare, a connection each", "ours", "bare", "s")
                )
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _start_sink(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    sink = subprocess.Popen(command + ["-c", "aiosmtpd.handlers.Sink"])
    for _ in range(100):
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return sink
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the sink SMTP server did not start")


def _due_emails(count: int, rounds: int = 1, interviewers: int = 1) -> list[int]:
    """Process each candidate's events, then claim the thank-yous: pending rows."""
    rebuild_schema()
    panel = [
        {"name": f"Interviewer {k}", "email": f"i{k}@acme.example", "title": "Lead"}
        for k in range(interviewers)
    ]
    for number in range(count):
        for round_number in range(rounds):
            # The last round as in the example event; the others two hours apart.
            hour = 14 - 2 * (rounds - 1 - round_number)
            event = numbered_event(
                number,
                **{
                    "data.application.recruiter": DELETE,
                    "data.interview.id": f"i-{number}-{round_number}",
                    "data.interview.starts_at": f"2026-12-01T{hour:02d}:00:00-06:00",
                    "data.interview.ends_at": f"2026-12-01T{hour + 1:02d}:00:00-06:00",
                    "data.interview.interviewers": panel,
                },
            )
            row = InboxEvent(
                source="standard",
                delivery_id=f"bench-{number}-{round_number}",
                event_type="interview.scheduled",
                raw_body=json.dumps(event).encode(),
            )
            db.session.add(row)
            db.session.commit()
            process_inbox_event(row.id)
    claim_due_touchpoints(DUE, limit=count * rounds)
    db.session.commit()
    return list(db.session.scalars(select(OutboundEmail.id).order_by(OutboundEmail.id)))


def _rendered(ids: list[int]) -> list[tuple[str, tuple[str, ...], bytes]]:
    """The messages our delivery sends, rendered once, for the bare loop."""
    rendered = []
    for email in db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.id.in_(ids))
    ):
        envelope = build_message(email, render_email(email), new_message_id(email.id))
        # smtplib sends bytes as they are: give it the CRLF lines SMTP wants.
        payload = re.sub(rb"\r?\n", b"\r\n", envelope.payload)
        rendered.append((envelope.sender, envelope.recipients, payload))
    db.session.rollback()
    return rendered


def _ours(ids: list[int]) -> float:
    started = time.perf_counter()
    for first in range(0, len(ids), JOB_SIZE):
        deliver_emails(ids[first : first + JOB_SIZE])
        db.session.remove()
    took = time.perf_counter() - started
    sent = db.session.scalar(
        select(db.func.count()).where(OutboundEmail.status == EmailStatus.SENT)
    )
    if sent != len(ids):
        raise SystemExit(f"only {sent} of {len(ids)} emails were sent")
    _put_back(ids)
    return took


def _put_back(ids: list[int]) -> None:
    """Make the same emails due again: pending rows, queued steps, no new lines."""
    db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id.in_(ids))
        .values(
            status=EmailStatus.PENDING,
            attempts=0,
            message_id=None,
            sending_started_at=None,
            sent_at=None,
        )
    )
    db.session.execute(
        update(Touchpoint)
        .where(Touchpoint.status == TouchpointStatus.SENT)
        .values(status=TouchpointStatus.QUEUED)
    )
    db.session.execute(
        delete(TimelineEntry).where(TimelineEntry.kind == TimelineKind.SENT)
    )
    db.session.commit()


def _bare(port: int, payloads, one_connection: bool) -> float:
    started = time.perf_counter()
    if one_connection:
        with smtplib.SMTP("127.0.0.1", port) as client:
            for sender, recipients, payload in payloads:
                client.sendmail(sender, list(recipients), payload)
    else:
        for sender, recipients, payload in payloads:
            with smtplib.SMTP("127.0.0.1", port) as client:
                client.sendmail(sender, list(recipients), payload)
    return time.perf_counter() - started


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--interviewers", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    main()
