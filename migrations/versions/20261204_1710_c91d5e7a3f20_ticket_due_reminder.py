"""Dispatch tickets: the deadline a department was last reminded of (the day-before reminder, issue 12).

Revision ID: c91d5e7a3f20
Revises: e3b8d61f0a42
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa

from consult.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'c91d5e7a3f20'
down_revision = 'e3b8d61f0a42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispatch_tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_reminded_for', UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('dispatch_tickets', schema=None) as batch_op:
        batch_op.drop_column('due_reminded_for')
