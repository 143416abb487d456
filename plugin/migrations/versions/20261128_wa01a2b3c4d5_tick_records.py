"""tick records: when the tick last ran, for /healthz and /metrics

Revision ID: wa01a2b3c4d5
Revises: dg01a2b3c4d5
Create Date: 2026-11-28 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'wa01a2b3c4d5'
down_revision = 'dg01a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tick_records',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('last_tick_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_tick_records'))
    )


def downgrade():
    op.drop_table('tick_records')
