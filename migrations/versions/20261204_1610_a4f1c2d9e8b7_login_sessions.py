"""Login sessions: a server-side record per login, so logout and password change really end it (issue 11).

Revision ID: a4f1c2d9e8b7
Revises: b7e4c2a91f3d
Create Date: 2026-12-04 16:00:00

"""
from alembic import op
import sqlalchemy as sa

from consult.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a4f1c2d9e8b7'
down_revision = 'b7e4c2a91f3d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('user_agent', sa.String(length=80), server_default='', nullable=False),
        sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
        sa.UniqueConstraint('key', name=op.f('uq_login_sessions_key')),
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))
    op.drop_table('login_sessions')
