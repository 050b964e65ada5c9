"""Transparency log: leaves, subtree hashes and signed tree heads, append-only (triggers refuse UPDATE and DELETE)

Revision ID: 5f0c1a2b7d3e
Revises: 33d0dd963ea2
Create Date: 2026-12-05 01:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f0c1a2b7d3e'
down_revision = '33d0dd963ea2'
branch_labels = None
depends_on = None

TABLES = ('log_leaves', 'log_nodes', 'log_heads')


def upgrade():
    op.create_table('log_leaves',
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.BigInteger(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('leaf_hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('idx', name=op.f('pk_log_leaves'))
    )
    with op.batch_alter_table('log_leaves', schema=None) as batch_op:
        batch_op.create_index('ix_log_leaves_kind_record', ['kind', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_log_leaves_leaf_hash'), ['leaf_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_log_leaves_topic_id'), ['topic_id'], unique=False)

    op.create_table('log_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'index', name=op.f('pk_log_nodes'))
    )
    op.create_table('log_heads',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.LargeBinary(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_log_heads')),
    sa.UniqueConstraint('tree_size', name=op.f('uq_log_heads_tree_size'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the transparency log is append-only (%)', TG_TABLE_NAME; END $$"
        )
        for table in TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
                'FOR EACH ROW EXECUTE FUNCTION log_append_only()'
            )
            op.execute(
                f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} '
                'FOR EACH STATEMENT EXECUTE FUNCTION log_append_only()'
            )
    else:
        for table in TABLES:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(
                    f'CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} '
                    "BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END"
                )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}')
        op.execute('DROP FUNCTION IF EXISTS log_append_only()')
    op.drop_table('log_heads')
    op.drop_table('log_nodes')
    with op.batch_alter_table('log_leaves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_leaves_topic_id'))
        batch_op.drop_index(batch_op.f('ix_log_leaves_leaf_hash'))
        batch_op.drop_index('ix_log_leaves_kind_record')
    op.drop_table('log_leaves')
