"""Password resets: a mailed link or a staff-issued code, stored hashed, single use (issue 12).

Revision ID: e3b8d61f0a42
Revises: a4f1c2d9e8b7
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa

from consult.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'e3b8d61f0a42'
down_revision = 'a4f1c2d9e8b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_resets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_password_resets_issued_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_secret_hash'), ['secret_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))
        batch_op.drop_index(batch_op.f('ix_password_resets_secret_hash'))
    op.drop_table('password_resets')
