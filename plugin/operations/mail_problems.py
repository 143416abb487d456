"""Final mail answers people must act on: staff bounces, our own misconfiguration.

Candidate addresses that bounce go on the suppression list instead; staff mail is
never suppressed, so an admin sees the address and fixes it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select

from plugin import clock
from plugin.extensions import db
from plugin.models import MailProblem, MailProblemKind

log = logging.getLogger(__name__)

# How long a configuration error keeps `/healthz` unhealthy after the last one.
CONFIGURATION_ERROR_WINDOW = timedelta(hours=24)


def record_staff_bounce(address: str, mail_kind: str, reply: str) -> None:
    """Note that a staff address was refused, for admins to see. Commits."""
    db.session.add(
        MailProblem(
            kind=MailProblemKind.STAFF_BOUNCE,
            mail_kind=mail_kind,
            address=address[:320],
            reply=reply[:500],
        )
    )
    db.session.commit()


def record_configuration_error(mail_kind: str, reply: str) -> None:
    """Note that our sender or login was refused: `/healthz` reports it. Commits."""
    db.session.add(
        MailProblem(
            kind=MailProblemKind.CONFIGURATION, mail_kind=mail_kind, reply=reply[:500]
        )
    )
    db.session.commit()
    # Operators read logs: say plainly what to check. The reply quotes no address.
    log.error(
        "mail configuration error (%s): %s; check MAIL_FROM and SMTP_URL",
        mail_kind,
        reply,
    )


def staff_bounces(limit: int = 20) -> list[MailProblem]:
    """The latest refused staff addresses, newest first, one row per address."""
    latest = (
        select(func.max(MailProblem.id))
        .where(MailProblem.kind == MailProblemKind.STAFF_BOUNCE)
        .group_by(MailProblem.address)
    )
    return list(
        db.session.scalars(
            select(MailProblem)
            .where(MailProblem.id.in_(latest))
            .order_by(MailProblem.happened_at.desc(), MailProblem.id.desc())
            .limit(limit)
        )
    )


def recent_configuration_errors(at: datetime | None = None) -> int:
    """How many emails failed on our own mail settings in the last 24 hours."""
    since = (at or clock.now()) - CONFIGURATION_ERROR_WINDOW
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(MailProblem)
            .where(
                MailProblem.kind == MailProblemKind.CONFIGURATION,
                MailProblem.happened_at >= since,
            )
        )
        or 0
    )
