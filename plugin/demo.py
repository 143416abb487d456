"""`followup demo`: one interview, the clock moved forward, the email shown."""

from __future__ import annotations

import email
import json
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
from flask_migrate import upgrade

from webhooks.standard import sign

from . import clock, create_app
from .jobs.tick import run_tick

CHICAGO = ZoneInfo("America/Chicago")


@click.command("demo")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's data folder here instead of a temporary one.",
)
def demo_command(keep: Path | None) -> None:
    """Replay a short scenario on a fresh embedded setup and print the email sent."""
    if keep is not None:
        _replay(keep)
        return
    with tempfile.TemporaryDirectory(prefix="followup-demo-") as folder:
        _replay(Path(folder))


def _replay(folder: Path) -> None:
    app = create_app({"DATA_DIR": str(folder), "TICK_INTERVAL": "0"})
    with app.app_context():
        upgrade()
    click.echo(f"Demo data folder: {folder} (SQLite, jobs inline, mail to files)\n")
    ends_at = _post_interview(app)
    after = ends_at + timedelta(minutes=app.config["POLICY"].thank_you.delay_minutes)
    for label, instant in (
        ("the interview ends", ends_at),
        ("an hour later", after),
        ("the same hour, again", after),
    ):
        with app.app_context(), clock.frozen_at(instant):
            report = run_tick()
        click.echo(
            f"tick when {label} ({instant.astimezone(CHICAGO):%a %d %b %H:%M %Z}): "
            f"{report.emails_queued} email(s) sent"
        )
    _show_mail(app.config["MAIL_DIR"])


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
                    "email": "sam@staffing.example",
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


def _show_mail(mail_dir: Path) -> None:
    files = sorted(mail_dir.glob("*.eml"))
    click.echo(f"\n{len(files)} email(s) in {mail_dir}\n")
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert isinstance(message, EmailMessage)
        text = message.get_body(preferencelist=("plain",))
        click.echo(f"To: {message['To']}\nSubject: {message['Subject']}\n")
        click.echo(text.get_content() if text is not None else "(no text part)")
