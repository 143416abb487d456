"""queued work shape, sending discipline for alerts and digests, suppressions

Revision ID: d4e5f6a7b8c9
Revises: b7d41c0e5a10
Create Date: 2026-11-28 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'b7d41c0e5a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('suppressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppressions')),
    sa.UniqueConstraint('address_hash', name=op.f('uq_suppressions_address_hash'))
    )
    op.create_table('mail_problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('mail_kind', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=True),
    sa.Column('reply', sa.String(length=500), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_problems'))
    )
    with op.batch_alter_table('mail_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_problems_happened_at'), ['happened_at'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('sending_started_at', sa.DateTime(timezone=True), nullable=True))

    # News for the digest is not queued work: it waits in a state of its own.
    op.execute("UPDATE alerts SET status = 'for_digest' WHERE status = 'pending' AND NOT urgent")

    # Digests become queued work: existing rows are settled, so their counters start
    # at zero and their next try is their creation time.
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('sending_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE digests SET attempts = 0, next_attempt_at = created_at")
    # A digest left "sending" by the old code may have gone out: never resend it.
    op.execute("UPDATE digests SET status = 'unknown' WHERE status = 'sending'")
    # Old "failed" digests were retried by the tick: they are pending now.
    op.execute("UPDATE digests SET status = 'pending' WHERE status = 'failed'")
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.alter_column('attempts', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('next_attempt_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    op.execute("UPDATE alerts SET status = 'pending' WHERE status = 'for_digest'")
    op.execute("UPDATE digests SET status = 'failed' WHERE status NOT IN ('sent', 'empty', 'failed')")
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
        batch_op.drop_column('sending_started_at')
        batch_op.drop_column('message_id')
        batch_op.drop_column('enqueued_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('attempts')

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_column('sending_started_at')
        batch_op.drop_column('message_id')
        batch_op.drop_column('last_error')

    with op.batch_alter_table('mail_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_problems_happened_at'))

    op.drop_table('mail_problems')
    op.drop_table('suppressions')
