"""Structured minutes: notes per agenda item, dissenting views, the chair's sign-off, corrections (issue 13).

Revision ID: d7a3e5b1c9f4
Revises: 4e10ff638806
Create Date: 2026-12-05 09:00:00

"""

from alembic import op
import sqlalchemy as sa

from consult.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd7a3e5b1c9f4'
down_revision = '4e10ff638806'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dissents', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('minutes_signed_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('minutes_signed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_meetings_minutes_signed_by_id_users'), 'users', ['minutes_signed_by_id'], ['id']
        )
    # Existing rows got an empty list; new rows get theirs from the model.
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.alter_column('dissents', server_default=None)
    with op.batch_alter_table('meeting_turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_meeting_turns_agenda_item_id_agenda_items'), 'agenda_items', ['agenda_item_id'], ['id']
        )
    op.create_table(
        'signed_minutes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('signed_by_id', sa.Integer(), nullable=False),
        sa.Column('signed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meetings.id'], name=op.f('fk_signed_minutes_meeting_id_meetings'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_signed_minutes_signed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_minutes')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_signed_minutes_meeting_id')),
    )
    op.create_table(
        'minutes_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_minutes_corrections_author_id_users')),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_corrections_meeting_id_meetings'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_corrections')),
    )
    with op.batch_alter_table('minutes_corrections', schema=None) as batch_op:
        batch_op.create_index('ix_minutes_corrections_meeting_at', ['meeting_id', 'at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('minutes_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_minutes_corrections_meeting_at')
    op.drop_table('minutes_corrections')
    op.drop_table('signed_minutes')
    with op.batch_alter_table('meeting_turns', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_turns_agenda_item_id_agenda_items'), type_='foreignkey')
        batch_op.drop_column('agenda_item_id')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_minutes_signed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('minutes_signed_by_id')
        batch_op.drop_column('minutes_signed_at')
        batch_op.drop_column('dissents')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('notes')
