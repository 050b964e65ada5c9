"""``flask submissions purge``: form tokens whose page can no longer be posted are deleted, the others kept."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from consult.kernel.clock import utcnow
from consult.submissions import Submission
from consult.submissions import new_token
from consult.submissions import stale_before


@pytest.fixture
def english(db):
    with force_locale('en'):
        yield


def _token(db, age: timedelta) -> str:
    token = new_token()
    db.session.add(Submission(token=token, kind='topic', object_id=1, created_at=utcnow() - age))
    db.session.commit()
    return token


def test_purge_deletes_only_tokens_whose_page_expired(db, app, english):
    limit = timedelta(seconds=app.config['WTF_CSRF_TIME_LIMIT'])
    stale = [_token(db, 2 * limit + timedelta(minutes=1)) for _ in range(3)]
    kept = [_token(db, timedelta(minutes=5)), _token(db, limit + timedelta(minutes=1))]
    assert stale_before(utcnow()) < utcnow() - limit  # a page whose CSRF token is still valid is never purged
    runner = app.test_cli_runner()
    result = runner.invoke(args=['submissions', 'purge'])
    assert result.exit_code == 0, result.output
    assert '3 form token(s) deleted.' in result.output
    left = set(db.session.scalars(sa.select(Submission.token).where(Submission.token.in_(stale + kept))))
    assert left == set(kept)
    again = runner.invoke(args=['submissions', 'purge'])
    assert '0 form token(s) deleted.' in again.output
