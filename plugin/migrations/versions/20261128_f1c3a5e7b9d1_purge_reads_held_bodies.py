"""partial indexes on the bodies still held, for the retention purge; digests by status

Revision ID: f1c3a5e7b9d1
Revises: dr01a2b3c4d5
Create Date: 2026-11-28 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c3a5e7b9d1'
down_revision = 'dr01a2b3c4d5'
branch_labels = None
depends_on = None

INBOX_HELD = sa.text("raw_body IS NOT NULL")
OUTBOX_HELD = sa.text("body_text IS NOT NULL")


def upgrade():
    # A purged row leaves these indexes, so each holds the retention window only.
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_events_body_held_received_at', ['received_at'], unique=False, postgresql_where=INBOX_HELD, sqlite_where=INBOX_HELD)

    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_emails_body_held_sending_started_at', ['sending_started_at'], unique=False, postgresql_where=OUTBOX_HELD, sqlite_where=OUTBOX_HELD)

    # The tick's digest steps filter on status; digests grow by one per recruiter a day.
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.create_index('ix_digests_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.drop_index('ix_digests_status_next_attempt_at')

    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_emails_body_held_sending_started_at', postgresql_where=OUTBOX_HELD, sqlite_where=OUTBOX_HELD)

    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_events_body_held_received_at', postgresql_where=INBOX_HELD, sqlite_where=INBOX_HELD)
