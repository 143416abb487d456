"""candidate locale: the language of a candidate's emails and pages

Revision ID: vo1c4e7a9b20
Revises: wa01a2b3c4d5
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'vo1c4e7a9b20'
down_revision = 'wa01a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=35), nullable=True))


def downgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_column('locale')
