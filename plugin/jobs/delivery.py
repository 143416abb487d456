"""The delivery job: re-check the rules, render, then one SMTP try.

The row is committed as "sending" only after RCPT TO, right before DATA (see
`jobs/sending.py`). Every failure is recorded on the row: nothing stays pending
without a reason, and nothing retries forever.

Before an email goes, `delivery_rules` locks its candidate and re-checks every
rule. After, `delivery_outcomes` records what happened; it also says how a job's
emails cost one durable commit each, and what a crash leaves at each point.
"""

from __future__ import annotations

import logging

from jinja2 import TemplateError

from plugin import clock
from plugin.cadence.send import Action
from plugin.extensions import db
from plugin.jobs.delivery_outcomes import (
    Sent,
    commit_last,
    defer,
    finish,
    record_unexpected,
    save_sent,
    settle,
)
from plugin.jobs.delivery_rules import check_rules, lock_for_candidate
from plugin.jobs.sending import fail, send_row
from plugin.mail.drafts import notes_read_once
from plugin.mail.messages import (
    build_message,
    new_message_id,
    one_connection,
    render_email,
)
from plugin.mail.transport import UnbuildableMessageError
from plugin.models import EmailStatus, OutboundEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = OutboundEmail.retry_policy.max_attempts


def deliver_emails(email_ids: list[int], queued_at: str | None = None) -> None:
    """Deliver a chunk of outbox rows, each on its own; one failing stops no other.

    They share one SMTP connection; each still gets its own claim before DATA, and
    each "sent" is committed with the next email's claim (see `delivery_outcomes`).
    """
    unsaved: Sent | None = None
    with one_connection(), notes_read_once(email_ids):
        for email_id in email_ids:
            try:
                with clock.as_of(queued_at):
                    sent = _deliver(email_id)
            except Exception as exc:
                # Unexpected (a database outage, a bug): recorded on the row, retried
                # with back-off, failed after the last attempt. Never silent.
                db.session.rollback()
                log.exception("delivery of email %s failed", email_id)
                if unsaved is not None:
                    save_sent(unsaved)
                record_unexpected(email_id, exc)
                sent = None
            # Whatever `_deliver` did, it committed, and with it any earlier "sent".
            unsaved = sent
        if unsaved is not None:
            commit_last(unsaved)


def deliver_email(email_id: int, queued_at: str | None = None) -> None:
    """Send one outbox row, at most once, whatever re-runs or races happen."""
    with clock.as_of(queued_at):
        _deliver(email_id)
    db.session.commit()


def _deliver(email_id: int) -> Sent | None:
    """Decide, build and send one email; commit every outcome but "sent".

    Returns the "sent" left for the caller's next commit, if the email went out.
    """
    locked = lock_for_candidate(email_id)
    if locked is None:
        db.session.commit()  # a re-run, or an operator's decision: nothing to do
        return None
    email, read = locked
    decision = check_rules(email, read)
    if decision.action == Action.SKIP:
        finish(email, EmailStatus.SKIPPED, decision.reason)
        db.session.commit()
        log.info("email %s skipped: %s", email_id, decision.reason)
        return None
    if decision.action == Action.DEFER:
        defer(email, decision)
        return None
    return _build_and_send(email)


def _build_and_send(email: OutboundEmail) -> Sent | None:
    message_id = email.message_id or new_message_id(email.id)
    try:
        rendered = render_email(email)
        message = build_message(email, rendered, message_id)
    except (UnbuildableMessageError, TemplateError) as exc:
        reason = (
            str(exc)
            if isinstance(exc, UnbuildableMessageError)
            else (f"the template cannot be rendered: {type(exc).__name__}")
        )
        return settle(email, fail(email, reason))
    result = send_row(
        email,
        message,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
    )
    return settle(email, result)
