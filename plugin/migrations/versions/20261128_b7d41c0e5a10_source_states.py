"""source states: cursors and connection state of polled ATS sources

Revision ID: b7d41c0e5a10
Revises: 8e93ef5fbadc
Create Date: 2026-11-28 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c0e5a10'
down_revision = '8e93ef5fbadc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('source_states',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('cursor', sa.JSON(), nullable=False),
    sa.Column('connection', sa.String(length=20), nullable=False),
    sa.Column('poll_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('interrupted', sa.Boolean(), nullable=False),
    sa.Column('last_poll_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_good_poll_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_result', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('events_stored', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_source_states'))
    )


def downgrade():
    op.drop_table('source_states')
