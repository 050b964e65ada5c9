"""Comment periods get a status moved by the kernel's state machine: open, closed (early), summarised (issue 10).

Revision ID: 7c3e9a1d2b58
Revises: 5c2d1e7a9b40
Create Date: 2026-12-04 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9a1d2b58'
down_revision = '5c2d1e7a9b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='open'))
    periods = sa.table('comment_periods', sa.column('status'), sa.column('summary'), sa.column('closed_early_at'))
    op.execute(periods.update().where(periods.c.summary.is_not(None)).values(status='summarised'))
    op.execute(
        periods.update()
        .where(periods.c.summary.is_(None), periods.c.closed_early_at.is_not(None))
        .values(status='closed')
    )
    with op.batch_alter_table('comment_periods', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)


def downgrade():
    with op.batch_alter_table('comment_periods', schema=None) as batch_op:
        batch_op.drop_column('status')
