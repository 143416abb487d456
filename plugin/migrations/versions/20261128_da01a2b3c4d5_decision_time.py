"""when the employer decided, for the outcomes page

Revision ID: da01a2b3c4d5
Revises: d4e5f6a7b8c9
Create Date: 2026-11-28 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da01a2b3c4d5'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    # Decisions made before this column existed: the newest event's time is the
    # closest record of when the employer decided.
    op.execute(
        "UPDATE applications SET decided_at = source_updated_at "
        "WHERE status <> 'active'"
    )


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
