"""disabled users, revocable tokens and sessions, who acted on the timeline

Revision ID: us7a1c2d3e4f
Revises: da01a2b3c4d5
Create Date: 2026-11-28 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'us7a1c2d3e4f'
down_revision = 'da01a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))

    # Lines written before this revision name no actor: the page shows none for them.
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('actor_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_timeline_entries_actor_user_id_users'), 'users', ['actor_user_id'], ['id'])


def downgrade():
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_timeline_entries_actor_user_id_users'), type_='foreignkey')
        batch_op.drop_column('actor_user_id')
        batch_op.drop_column('actor_kind')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('disabled_at')
