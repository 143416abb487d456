"""The outbox seen by operators: settling emails whose outcome is unknown."""

from __future__ import annotations

from plugin import clock
from plugin.extensions import db
from plugin.models import (
    Actor,
    EmailStatus,
    OutboundEmail,
    TimelineKind,
    TouchpointStatus,
)
from plugin.operations.planning import add_to_timeline


def settle_unknown(email: OutboundEmail, delivered: bool, actor: Actor) -> None:
    """Record what the mail logs show about an "unknown" email, and who said; commit."""
    if delivered:
        email.status, email.sent_at = EmailStatus.SENT, email.sending_started_at
        if email.touchpoint is not None:
            email.touchpoint.status = TouchpointStatus.SENT
        detail = "confirmed as delivered"
    else:
        # The same row and Message-ID go out again, after every rule is re-checked.
        email.status, email.next_attempt_at, email.enqueued_at = (
            EmailStatus.PENDING,
            clock.now(),
            None,
        )
        detail = "found not delivered; it will be tried again"
    add_to_timeline(
        email.application_id, TimelineKind.RESOLVED, email.touchpoint, detail, actor
    )
    db.session.commit()
