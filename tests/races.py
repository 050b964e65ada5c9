"""Real concurrency on PostgreSQL, outside the per-test SAVEPOINT (see ``tests/petitions/test_concurrency.py``).

The rows a race needs are committed for real; each racer is a thread with its own app and request context,
hence its own session and pooled connection; the ``engine`` fixture (imported from the petitions test)
deletes every row the test made afterwards. SQLite has one writer: nothing can race there.
"""

import os
import threading
from datetime import date

import pytest

from tests import support

URL = os.environ.get('TEST_DATABASE_URL', '')
postgres_only = pytest.mark.skipif(
    not support.is_postgres(URL), reason='needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer'
)


def run_together(app, racers: int, step, timeout: float = 120, prepare=None) -> list:
    """Run ``step(index)`` in ``racers`` threads released together by a barrier; return their results.

    A racer takes its connection only after the barrier, so more racers than the pool holds still start
    together (the pool hands connections out as the first ones finish).

    :param prepare: ``prepare(index)`` runs in the thread before the barrier, with no app context pushed
        (e.g. a test client logging in); then ``step(index, prepared)`` is called with what it returned.
        The steps of such races push no context either: each request of a test client makes its own.
    """
    barrier = threading.Barrier(racers)
    results: list = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        from consult.db import db

        try:
            if prepare is not None:
                prepared = prepare(index)
                barrier.wait(timeout=30)
                results.append(step(index, prepared))
                return
            with app.app_context(), app.test_request_context():
                barrier.wait(timeout=30)
                results.append(step(index))
                db.session.remove()
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    assert len(results) == racers
    return results


def committed_residents(session, community, households, count: int, prefix: str) -> list[int]:
    """``count`` verified adult residents spread over ``households`` (flushed); return their ids.

    Two bulk INSERTs (users, then memberships) and one password hash shared by all: a thousand voters take
    a second, not one round trip per row and one hash per user.

    :param prefix: four digits: the mobile numbers are ``prefix`` and seven more.
    """
    import sqlalchemy as sa

    from consult.accounts.models import User
    from consult.residency.models import Membership

    if count == 0:
        return []
    password_hash = support.password_hash()
    ids = list(
        session.scalars(
            sa.insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    'mobile': f'{prefix}{n:07d}',
                    'password_hash': password_hash,
                    'display_name': f'并发{n}',
                    'real_name': f'并发{n}',
                    'birth_date': date(1980, 1, 1),
                }
                for n in range(count)
            ],
        )
    )
    session.execute(
        sa.insert(Membership),
        [
            {
                'user_id': user_id,
                'household_id': households[n % len(households)].id,
                'community_id': community.id,
                'grid_id': households[n % len(households)].building.grid_id,
                'status': 'verified',
                'method': 'staff',
            }
            for n, user_id in enumerate(ids)
        ],
    )
    session.flush()
    return ids
