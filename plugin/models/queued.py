"""Queued work: the columns and retry policy shared by inbox, outbox, alerts, digests.

A row is the work; Redis only carries a job that points at it. The tick queues rows
that are pending and due (`next_attempt_at`), and queues again any whose job was lost
(`enqueued_at` long ago). A failed attempt is recorded here, in one place, so no row
ever retries silently or forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin import clock
from plugin.extensions.queues import next_try
from plugin.models.types import UTCDateTime

PENDING = "pending"
FAILED = "failed"
ERROR_LENGTH = 500


@dataclass(frozen=True)
class RetryPolicy:
    """How often queued work is tried, and how long to wait between tries."""

    max_attempts: int = 5

    def gives_up(self, attempts: int) -> bool:
        """Whether `attempts` failed tries are all we make."""
        return attempts >= self.max_attempts

    def next_attempt_at(self, attempts: int) -> datetime:
        """When to try again after `attempts` failures: 2, 4, 8, 16 ... minutes."""
        return next_try(attempts)


RETRY_POLICY = RetryPolicy()


class QueuedWork:
    """Mixin: status, attempts, last error, next try and queue time of one row.

    `attempts` counts tries that ended: failed, retried, refused or (for emails)
    sent or unknown.
    """

    retry_policy: ClassVar[RetryPolicy] = RETRY_POLICY

    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def is_due(self, at: datetime, requeue_after: timedelta) -> bool:
        """Pending, due, and not queued lately (a queued job may have been lost)."""
        return (
            self.status == PENDING
            and self.next_attempt_at <= at
            and (self.enqueued_at is None or self.enqueued_at < at - requeue_after)
        )

    def record_failure(self, error: str) -> bool:
        """Count a failed try: back off and stay pending, or give up as failed.

        Returns True when the row will be tried again. The caller commits.
        """
        self.attempts = (self.attempts or 0) + 1
        self.last_error = error[:ERROR_LENGTH]
        self.enqueued_at = None
        if self.retry_policy.gives_up(self.attempts):
            self.status = FAILED
            self.last_error = f"gave up after {self.attempts} attempts: {error}"[
                :ERROR_LENGTH
            ]
            return False
        self.status = PENDING
        self.next_attempt_at = self.retry_policy.next_attempt_at(self.attempts)
        return True

    def fail(self, reason: str, status: str = FAILED) -> None:
        """End the work for good (failed, or a terminal state of its own) with a reason.

        The try counts as an attempt. The caller commits.
        """
        self.attempts = (self.attempts or 0) + 1
        self.status = status
        self.last_error = reason[:ERROR_LENGTH]
        self.enqueued_at = None
