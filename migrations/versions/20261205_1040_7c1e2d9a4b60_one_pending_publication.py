"""One publication waiting for sign-off per topic: a partial unique index

Revision ID: 7c1e2d9a4b60
Revises: 5f0c1a2b7d3e
Create Date: 2026-12-05 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e2d9a4b60'
down_revision = '5f0c1a2b7d3e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(
            'uq_publications_one_pending',
            ['topic_id'],
            unique=True,
            sqlite_where=sa.text('published_at IS NULL'),
            postgresql_where=sa.text('published_at IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('uq_publications_one_pending')
