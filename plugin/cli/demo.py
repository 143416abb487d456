"""`followup demo`: one interview, the clock moved forward, the email shown."""

from __future__ import annotations

import email
import json
import logging
import tempfile
import time as wallclock
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import Flask
from sqlalchemy import func, select

from plugin import clock, create_app
from plugin.extensions import db
from plugin.jobs.tick import run_tick
from plugin.models import EmailStatus, OutboundEmail, Touchpoint, TouchpointStatus
from webhooks.standard import sign

CHICAGO = ZoneInfo("America/Chicago")
RECRUITER_EMAIL = "sam@staffing.example"
DEMO_POLICY = """\
[firm]
name = "Northwind Staffing (demo)"
postal_address = "12 Harbour Road, Portland, ME 04101"
"""


@click.command("demo")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's data folder here instead of a temporary one.",
)
def demo_command(keep: Path | None) -> None:
    """Replay one interview on a fresh embedded setup and show every email sent."""
    logging.getLogger().setLevel(logging.WARNING)  # the story, not the job logs
    if keep is not None:
        _replay(keep)
        return
    with tempfile.TemporaryDirectory(prefix="followup-demo-") as folder:
        _replay(Path(folder))


def _replay(folder: Path) -> None:
    from flask_migrate import upgrade  # Alembic: imported for the commands using it

    policy = folder / "policy.toml"
    folder.mkdir(parents=True, exist_ok=True)
    policy.write_text(DEMO_POLICY, encoding="utf-8")
    app = create_app(
        {"DATA_DIR": str(folder), "TICK_INTERVAL": "0", "POLICY_FILE": str(policy)}
    )
    with app.app_context():
        upgrade()
    click.echo(f"Demo data folder: {folder} (SQLite, jobs inline, mail to files)\n")
    ends_at = _post_interview(app)
    click.echo("\nMoving the clock forward, ticking whenever a step falls due:")
    with app.app_context():
        _tick_through(ends_at, ends_at + timedelta(days=21), app.config["MAIL_DIR"])
    _show_first_email(app.config["MAIL_DIR"])


def _tick_through(start: datetime, end: datetime, mail_dir: Path) -> None:
    """Tick at each moment something is due, printing every email that went out."""
    at, seen = start, 0
    while at <= end:
        with clock.frozen_at(at):
            run_tick()
        files = sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        for path in files[seen:]:
            message = _read(path)
            to = "recruiter" if RECRUITER_EMAIL in str(message["To"]) else "candidate"
            click.echo(
                f"  {at.astimezone(CHICAGO):%a %d %b %H:%M %Z}  to the {to:<9}  "
                f"{message['Subject']}"
            )
        seen = len(files)
        following = _next_due()
        if following is None:
            break
        at = max(following, at + timedelta(minutes=1))


def _next_due() -> datetime | None:
    moments = [
        db.session.scalar(
            select(func.min(Touchpoint.due_at)).where(
                Touchpoint.status == TouchpointStatus.PLANNED
            )
        ),
        db.session.scalar(
            select(func.min(OutboundEmail.next_attempt_at)).where(
                OutboundEmail.status == EmailStatus.PENDING
            )
        ),
    ]
    return min((m for m in moments if m is not None), default=None)


def _post_interview(app: Flask) -> datetime:
    """Send one signed interview.scheduled event, twice, as an ATS retry would."""
    day = (datetime.now(CHICAGO) + timedelta(days=1)).date()
    starts_at = datetime.combine(day, datetime.min.time(), CHICAGO).replace(hour=14)
    ends_at = starts_at + timedelta(hours=1)
    body = json.dumps(_scenario(starts_at, ends_at)).encode()
    msg_id, stamp = f"msg_{uuid.uuid4().hex}", int(wallclock.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(
            app.config["STANDARD_WEBHOOK_SECRETS"][0], msg_id, stamp, body
        ),
        "content-type": "application/json",
    }
    client = app.test_client()
    for attempt in ("first delivery", "the ATS retries"):
        answer = client.post("/webhooks/standard", data=body, headers=headers)
        click.echo(
            f"POST /webhooks/standard ({attempt}): {answer.status_code} "
            f"{answer.get_json()['status']}"
        )
    return ends_at


def _scenario(starts_at: datetime, ends_at: datetime) -> dict[str, Any]:
    return {
        "type": "interview.scheduled",
        "timestamp": datetime.now(CHICAGO).isoformat(),
        "data": {
            "candidate": {
                "id": "c-881",
                "first_name": "Dana",
                "last_name": "Okafor",
                "email": "dana@example.org",
                "timezone": "America/Chicago",
            },
            "application": {
                "id": "a-5521",
                "job_title": "Payroll Specialist",
                "employer": {
                    "name": "Acme Logistics",
                    "timezone": "America/Chicago",
                    "mailing_address": "100 Main St, Springfield, IL 62701",
                },
                "decision_deadline": (ends_at + timedelta(days=7)).date().isoformat(),
                "recruiter": {
                    "id": "r-7",
                    "name": "Sam Rivera",
                    "email": RECRUITER_EMAIL,
                },
            },
            "interview": {
                "id": "i-9001",
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "location": "onsite",
                "interviewers": [
                    {"name": "Lee Park", "title": "Payroll Manager"},
                    {"name": "Amara Nwosu", "title": "HR Business Partner"},
                ],
            },
        },
    }


def _read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def _show_first_email(mail_dir: Path) -> None:
    files = sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    to_candidate = [p for p in files if RECRUITER_EMAIL not in str(_read(p)["To"])]
    click.echo(
        f"\n{len(files)} email(s) in {mail_dir}. The candidate's first, as text:\n"
    )
    if not to_candidate:
        return
    message = _read(to_candidate[0])
    text = message.get_body(preferencelist=("plain",))
    click.echo(f"To: {message['To']}\nSubject: {message['Subject']}\n")
    click.echo(text.get_content() if text is not None else "(no text part)")
