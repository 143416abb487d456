"""the candidate's notes about each interviewer, for their drafts

Revision ID: dr01a2b3c4d5
Revises: vo1c4e7a9b20
Create Date: 2026-11-28 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dr01a2b3c4d5'
down_revision = 'vo1c4e7a9b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interviewer_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=200), nullable=False),
    sa.Column('discussed', sa.String(length=500), nullable=True),
    sa.Column('reinforce', sa.String(length=300), nullable=True),
    sa.Column('shared_with_recruiter', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_interviewer_notes_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviewer_notes')),
    sa.UniqueConstraint('application_id', 'person_key', name=op.f('uq_interviewer_notes_application_id_person_key'))
    )
    with op.batch_alter_table('interviewer_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviewer_notes_application_id'), ['application_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interviewer_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviewer_notes_application_id'))

    op.drop_table('interviewer_notes')
