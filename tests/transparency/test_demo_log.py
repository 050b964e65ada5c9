"""The demo data's consultations leave their public records in the log, and the whole log checks out."""

import sqlalchemy as sa

from consult.demo import load_demo
from consult.transparency.models import LogLeaf


def test_a_fresh_demo_database_passes_archive_verify(db, runner):
    assert load_demo('demo-password-1') is True
    db.session.commit()  # as `flask demo load` does
    kinds = set(db.session.scalars(sa.select(LogLeaf.kind).distinct()))
    assert {'topic_step', 'published_result', 'objection', 'implementation_update', 'implementation_result'} <= kinds
    result = runner.invoke(args=['archive', 'verify'])
    assert result.exit_code == 0, result.output
    assert 'The log is intact.' in result.output
