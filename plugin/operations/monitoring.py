"""What an operator watches, read from the database: the last tick, the state of the
work, the pull sources and the schema's revision.

Workers and the scheduler run in other processes (often other containers), so
`/healthz` and `/metrics` read their results here, with a few aggregate queries
whose number does not grow with the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from plugin.extensions import db, rows_changed
from plugin.models import (
    Alert,
    Digest,
    EmailStatus,
    InboxEvent,
    InboxStatus,
    OutboundEmail,
    SourceState,
    TickRecord,
)
from plugin.models.ticks import TICK_ROW
from webhooks import PullSource, all_sources

# Pending work due this long ago was not picked up: no worker, or no scheduler.
STUCK_AFTER = timedelta(minutes=15)
# A row "sending" this long belongs to a worker that died and no tick settled it.
SENDING_TOO_LONG = timedelta(hours=1)
# Failed and unknown outcomes count as news for this long; operators settle
# unknown coaching emails by hand, so those count until settled.
RECENT = timedelta(days=7)
FAILED_EMAILS_WINDOW = timedelta(hours=24)

# Where Alembic keeps the database's revision.
VERSION_TABLE = "alembic_version"

# The tables of queued work, by the name the metrics give them.
QUEUED_WORK = {
    "events": InboxEvent,
    "emails": OutboundEmail,
    "alerts": Alert,
    "digests": Digest,
}


def record_tick(at: datetime) -> None:
    """Note that a tick ran at `at`; several schedulers share one row. Commits."""
    if _update_tick_row(at):
        return
    try:
        db.session.add(TickRecord(name=TICK_ROW, last_tick_at=at))
        db.session.commit()
    except IntegrityError:
        # Another scheduler wrote the first row meanwhile: update it instead.
        db.session.rollback()
        _update_tick_row(at)


def _update_tick_row(at: datetime) -> bool:
    changed = rows_changed(
        update(TickRecord).where(TickRecord.name == TICK_ROW).values(last_tick_at=at)
    )
    db.session.commit()
    return changed > 0


def last_tick_at() -> datetime | None:
    """When the tick last ran, or None if it never has."""
    return db.session.scalar(
        select(TickRecord.last_tick_at).where(TickRecord.name == TICK_ROW)
    )


def rows_by_status() -> dict[str, dict[str, int]]:
    """How many rows of each kind of queued work are in each status (one query each)."""
    return {
        kind: {
            str(status): int(count)
            for status, count in db.session.execute(
                select(model.status, func.count()).group_by(model.status)
            )
        }
        for kind, model in QUEUED_WORK.items()
    }


@dataclass(frozen=True)
class WorkProblems:
    """Failed or stuck work an operator should look at; all zero when healthy."""

    failed_events: int
    stuck_events: int
    unknown_emails: int
    stuck_emails: int
    failed_emails: int
    unknown_staff_mail: int
    stuck_staff_mail: int

    def total(self) -> int:
        """All problems together."""
        return sum(vars(self).values())


def work_problems(at: datetime) -> WorkProblems:
    """Count failed and stuck work at `at`, in one query per table."""
    stuck = at - STUCK_AFTER
    recent = at - RECENT
    failed_events, stuck_events = _counts(
        InboxEvent,
        and_(InboxEvent.status == InboxStatus.FAILED, InboxEvent.received_at >= recent),
        _stuck_pending(InboxEvent, stuck),
    )
    unknown_emails, stuck_emails, failed_emails = _counts(
        OutboundEmail,
        OutboundEmail.status == EmailStatus.UNKNOWN,
        _stuck_pending(OutboundEmail, stuck) | _stuck_sending(OutboundEmail, at),
        and_(
            OutboundEmail.status == EmailStatus.FAILED,
            OutboundEmail.updated_at >= at - FAILED_EMAILS_WINDOW,
        ),
    )
    unknown_staff, stuck_staff = 0, 0
    for model in (Alert, Digest):
        unknown, stuck_rows = _counts(
            model,
            and_(model.status == EmailStatus.UNKNOWN, model.created_at >= recent),
            _stuck_pending(model, stuck) | _stuck_sending(model, at),
        )
        unknown_staff += unknown
        stuck_staff += stuck_rows
    return WorkProblems(
        failed_events=failed_events,
        stuck_events=stuck_events,
        unknown_emails=unknown_emails,
        stuck_emails=stuck_emails,
        failed_emails=failed_emails,
        unknown_staff_mail=unknown_staff,
        stuck_staff_mail=stuck_staff,
    )


def _stuck_pending(
    model: type[InboxEvent] | type[OutboundEmail] | type[Alert] | type[Digest],
    due_before: datetime,
) -> ColumnElement[bool]:
    return and_(model.status == "pending", model.next_attempt_at < due_before)


def _stuck_sending(
    model: type[OutboundEmail] | type[Alert] | type[Digest], at: datetime
) -> ColumnElement[bool]:
    return and_(
        model.status == EmailStatus.SENDING,
        model.sending_started_at < at - SENDING_TOO_LONG,
    )


def _counts(
    model: type[InboxEvent] | type[OutboundEmail] | type[Alert] | type[Digest],
    *conditions: ColumnElement[bool],
) -> list[int]:
    """How many rows of `model` match each condition, in one query."""
    row = db.session.execute(
        select(
            *(func.count().filter(condition) for condition in conditions)
        ).select_from(model)
    ).one()
    return [int(value or 0) for value in row]


@dataclass(frozen=True)
class PolledSource:
    """A configured pull source and how its polling goes."""

    name: str
    connection: str
    last_good_poll_at: datetime | None


def polled_sources() -> list[PolledSource]:
    """Every pull source whose settings are present, with its stored state."""
    configured = [
        source.name
        for source in all_sources()
        if isinstance(source, PullSource)
        and not source.missing_settings(current_app.config)
    ]
    if not configured:
        return []
    states = {
        state.name: state
        for state in db.session.scalars(
            select(SourceState).where(SourceState.name.in_(configured))
        )
    }
    return [_polled(name, states.get(name)) for name in configured]


def _polled(name: str, state: SourceState | None) -> PolledSource:
    if state is None:
        return PolledSource(name, "new", None)
    return PolledSource(name, state.connection, state.last_good_poll_at)


@dataclass(frozen=True)
class SchemaState:
    """The database's migration revisions against the code's."""

    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def migrated(self) -> bool:
        """Whether any migration was ever applied."""
        return bool(self.current)

    @property
    def at_head(self) -> bool:
        """Whether the database is at the revision this code expects."""
        return set(self.current) == set(self.heads)


def schema_state() -> SchemaState:
    """Read the database's Alembic revision; raises SQLAlchemyError if unreachable."""
    directory = str(current_app.config["MIGRATIONS_DIR"])
    # Read directly: Alembic's own context logs two lines on every call.
    with db.engine.connect() as connection:
        current: tuple[str, ...] = ()
        if inspect(connection).has_table(VERSION_TABLE):
            current = tuple(
                connection.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            )
    return SchemaState(current=current, heads=_script_heads(directory))


@lru_cache(maxsize=4)
def _script_heads(directory: str) -> tuple[str, ...]:
    # Reading the migration scripts costs far more than a query: once per process.
    # Alembic is imported only here: a process that never asks keeps it out of its
    # memory (the job worker, a web worker before its first health check).
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory(directory).get_heads())
