"""Video calls in the live room: which sockets are in a meeting's call (issue 4).

Revision ID: 5c2d1e7a9b40
Revises: d157f389f264
Create Date: 2026-11-22 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import consult.db


# revision identifiers, used by Alembic.
revision = '5c2d1e7a9b40'
down_revision = 'd157f389f264'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_presence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_call_at', consult.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_presence', schema=None) as batch_op:
        batch_op.drop_column('in_call_at')
