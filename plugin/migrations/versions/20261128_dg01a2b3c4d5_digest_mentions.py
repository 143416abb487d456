"""digest mentions (what each recruiter was last told, per application and reason),
and each recruiter's digest frequency

Revision ID: dg01a2b3c4d5
Revises: us7a1c2d3e4f
Create Date: 2026-11-28 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dg01a2b3c4d5'
down_revision = 'us7a1c2d3e4f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digest_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recruiter_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('facts', sa.String(length=300), nullable=False),
    sa.Column('shown_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_digest_mentions_application_id_applications')),
    sa.ForeignKeyConstraint(['recruiter_id'], ['recruiters.id'], name=op.f('fk_digest_mentions_recruiter_id_recruiters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_mentions')),
    sa.UniqueConstraint('recruiter_id', 'application_id', 'reason', name=op.f('uq_digest_mentions_recruiter_id_application_id_reason'))
    )
    with op.batch_alter_table('digest_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_mentions_application_id'), ['application_id'], unique=False)

    # Every recruiter keeps the daily digest they had.
    with op.batch_alter_table('recruiters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_frequency', sa.String(length=10), server_default='daily', nullable=False))


def downgrade():
    with op.batch_alter_table('recruiters', schema=None) as batch_op:
        batch_op.drop_column('digest_frequency')

    with op.batch_alter_table('digest_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_mentions_application_id'))

    op.drop_table('digest_mentions')
