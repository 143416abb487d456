"""suppression list and mail problems

Revision ID: b7c41e2f9a05
Revises: b7d41c0e5a10
Create Date: 2026-11-28 06:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c41e2f9a05'
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


def downgrade():
    with op.batch_alter_table('mail_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_problems_happened_at'))

    op.drop_table('mail_problems')
    op.drop_table('suppressions')
