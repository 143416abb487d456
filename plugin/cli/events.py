"""`followup events`: stored webhook deliveries, and replaying one."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from plugin import clock
from plugin.extensions import db
from plugin.extensions.queues import EVENTS_QUEUE, PROCESS_INBOX_EVENT, enqueue
from plugin.jobs.tick import REQUEUE_AFTER
from plugin.models import InboxEvent, InboxStatus


@click.group("events")
def events_group() -> None:
    """Stored webhook deliveries (the inbox)."""


@events_group.command("list")
@click.option(
    "--stuck", is_flag=True, help="Only deliveries that failed or have waited too long."
)
@click.option(
    "--status",
    type=click.Choice([status.value for status in InboxStatus]),
    help="Only deliveries in this state (e.g. ignored, with the reason why).",
)
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def list_events(stuck: bool, status: str | None, limit: int) -> None:
    """List deliveries, newest first; an ignored one shows why it was ignored."""
    query = select(InboxEvent).order_by(InboxEvent.id.desc()).limit(limit)
    if status:
        query = query.where(InboxEvent.status == status)
    if stuck:
        waited = clock.now() - REQUEUE_AFTER
        query = query.where(
            or_(
                InboxEvent.status == InboxStatus.FAILED,
                (InboxEvent.status == InboxStatus.PENDING)
                & (InboxEvent.next_attempt_at < waited),
            )
        )
    events = db.session.scalars(query).all()
    if not events:
        click.echo("No stuck deliveries." if stuck else "No deliveries.")
    for event in events:
        click.echo(
            f"{event.id:>6}  {event.status:<9} {event.source}:{event.delivery_id}  "
            f"{event.event_type}  received {event.received_at:%Y-%m-%d %H:%M}Z  "
            f"attempts {event.attempts}  {_outcome(event)}".rstrip()
        )


def _outcome(event: InboxEvent) -> str:
    if event.status == InboxStatus.IGNORED:
        return f"reason: {event.last_error or 'nothing to act on'}"
    return event.last_error or ""


@events_group.command("replay")
@click.argument("event_id", type=int)
@with_appcontext
def replay_event(event_id: int) -> None:
    """Process a stored delivery again (after a fix, or to recover a failed one)."""
    event = db.session.get(InboxEvent, event_id)
    if event is None:
        raise click.BadParameter(
            f"no stored delivery {event_id}", param_hint="EVENT_ID"
        )
    if event.raw_body is None:
        raise click.UsageError(
            f"delivery {event_id}'s body was purged; it cannot be replayed"
        )
    event.status, event.attempts, event.last_error = InboxStatus.PENDING, 0, None
    event.next_attempt_at, event.enqueued_at = clock.now(), clock.now()
    db.session.commit()
    enqueue(
        EVENTS_QUEUE, PROCESS_INBOX_EVENT, event_id, job_id=f"inbox-event-{event_id}"
    )
    db.session.expire_all()
    click.echo(f"Delivery {event_id} queued for processing; now {event.status}.")
