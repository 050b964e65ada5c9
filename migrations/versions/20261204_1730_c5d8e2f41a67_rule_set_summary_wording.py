"""The first rule set version's summary no longer names a design document (issue 12): it says what it is.

Revision ID: c5d8e2f41a67
Revises: e5b8d3c1f2a6
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d8e2f41a67'
down_revision = 'e5b8d3c1f2a6'
branch_labels = None
depends_on = None

OLD = 'Defaults (domain.md section c)'
#: The summary new communities' first version gets (consult/rules/operations.py).
NEW = '默认规则：各数值取自法律、地方实践或平台默认值，并注明来源'


def upgrade():
    op.execute(sa.text('UPDATE rule_sets SET summary = :new WHERE summary = :old').bindparams(new=NEW, old=OLD))


def downgrade():
    pass  # the old wording is not restored
