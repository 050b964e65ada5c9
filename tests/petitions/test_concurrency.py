"""Racing signatures on PostgreSQL: the petition row lock (``FOR UPDATE`` in ``consult.petitions.steps.lock``) serialises them.

Runs outside the per-test SAVEPOINT: the rows are committed for real through a separate engine on
``TEST_DATABASE_URL``, each signing thread has its own app context, session and connection, and every row the
test made is deleted afterwards. SQLite has a single writer and ignores ``FOR UPDATE``, so there is nothing to
race there: the test is skipped.
"""

import os
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.db import db as _db
from consult.notifications.models import Notification
from consult.petitions import operations
from consult.petitions.models import Petition
from consult.petitions.models import PetitionSignature
from consult.petitions.models import PetitionStatus
from consult.residency.models import Membership
from consult.web import attempt
from tests import support

URL = os.environ.get('TEST_DATABASE_URL', '')
pytestmark = pytest.mark.skipif(
    not support.is_postgres(URL),
    reason='needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer and no FOR UPDATE, so nothing can race',
)
RACERS = 8


@pytest.fixture
def engine(app):
    engine = sa.create_engine(URL)
    before = _max_ids(engine)
    yield engine
    _delete_rows_after(engine, before)
    engine.dispose()


def _numbered(table) -> bool:
    """A table with a serial ``id`` (a sealed ballot's id is random text; it goes with its vote)."""
    return 'id' in table.c and isinstance(table.c.id.type, sa.Integer)


def _max_ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        ids = {
            table.name: conn.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
            for table in _db.metadata.sorted_tables
            if _numbered(table)
        }
        ids[LOG_SIZE] = conn.scalar(sa.text('SELECT coalesce(max(idx) + 1, 0) FROM log_leaves'))
        return ids


#: The transparency log's tables (append-only by trigger) and the key of its size before the test.
LOG_TABLES = ('log_leaves', 'log_nodes', 'log_heads')
LOG_SIZE = 'log_leaves.size'


def _cut_log(conn, size: int) -> None:
    """Take back the leaves, subtree hashes and heads the test appended: as the owner, the triggers off a moment."""
    for table in LOG_TABLES:
        conn.exec_driver_sql(f'ALTER TABLE {table} DISABLE TRIGGER USER')
    conn.execute(sa.text('DELETE FROM log_leaves WHERE idx >= :n'), {'n': size})
    conn.execute(sa.text('DELETE FROM log_nodes WHERE ("index" + 1) << level > :n'), {'n': size})
    conn.execute(sa.text('DELETE FROM log_heads WHERE tree_size > :n'), {'n': size})
    for table in LOG_TABLES:
        conn.exec_driver_sql(f'ALTER TABLE {table} ENABLE TRIGGER USER')


def _delete_rows_after(engine, before: dict[str, int], tries: int = 5) -> None:
    """Delete every row this test made (ids above the snapshot), children first.

    A race's last transactions may still hold row locks for a moment; PostgreSQL may then pick this cleanup as
    a deadlock's victim: it is tried again, so no row is left for the next test to find.
    """
    import time

    for round_ in range(tries):
        try:
            _delete_once(engine, before)
            return
        except sa.exc.OperationalError:
            if round_ == tries - 1:
                raise
            time.sleep(0.5 * (round_ + 1))


def _delete_once(engine, before: dict[str, int]) -> None:
    with engine.begin() as conn:
        _cut_log(conn, before[LOG_SIZE])
        for table in reversed(_db.metadata.sorted_tables):
            if table.name in LOG_TABLES:
                continue
            if _numbered(table):
                conn.execute(sa.delete(table).where(table.c.id > before[table.name]))
            elif 'community_id' in table.c:
                conn.execute(sa.delete(table).where(table.c.community_id > before['communities']))
            elif 'topic_id' in table.c:
                conn.execute(sa.delete(table).where(table.c.topic_id > before['topics']))


def _setup(app) -> tuple[int, list[int]]:
    """Community A: 163 adults (33 petitioners needed) in 16 households (4 petitioning households needed).

    32 have signed from households 0-2, so one more signature from any other household crosses both the
    adults and the households alternatives. Returns the petition id and one racer from each of 8 households.
    Committed for real through the app's own session (the rule-set helpers use it), outside any SAVEPOINT.
    """
    with app.app_context():
        session = _db.session
        place = support.build_place(session, suffix='race')
        # Fresh from the database: the unsaved relationship lists can hold a grid twice (backref and append).
        session.commit()
        session.expire_all()
        households = place.households(place.a)
        assert len(households) == 16
        people = {}
        for index, household in enumerate(households):
            people[household.id] = []
            for n in range(11 if index < 3 else 10):
                user = User(
                    mobile=f'166{index:02d}{n:06d}',
                    password_hash=support.password_hash(),
                    display_name=f'竞签{index}-{n}',
                    real_name=f'竞签{index}-{n}',
                    birth_date=date(1980, 1, 1),
                )
                session.add(user)
                session.flush()
                session.add(
                    Membership(
                        user_id=user.id,
                        household_id=household.id,
                        community_id=place.a.id,
                        grid_id=household.building.grid_id,
                        status='verified',
                        method='staff',
                    )
                )
                people[household.id].append(user.id)
        session.flush()
        early = [(user_id, household) for household in households[:3] for user_id in people[household.id]][:32]
        from consult.rules.queries import rules_in_force

        petition = Petition(
            community_id=place.a.id,
            title='Racing',
            matter='Who crosses the line?',
            started_by_id=early[0][0],
            rule_set_id=rules_in_force(place.a, date.today()).id,
        )
        session.add(petition)
        session.flush()
        session.add_all(
            PetitionSignature(
                petition_id=petition.id, user_id=user_id, household_id=household.id, building_id=household.building_id
            )
            for user_id, household in early
        )
        session.commit()
        result = petition.id, [people[household.id][0] for household in households[4:12]]
        _db.session.remove()
        return result


def test_racing_last_signatures_cross_once_and_count_once(app, engine):
    petition_id, racers = _setup(app)
    barrier = threading.Barrier(RACERS)
    outcomes: dict[int, str] = {}
    errors: list[BaseException] = []

    def race(user_id: int) -> None:
        try:
            with app.app_context(), app.test_request_context():
                user = _db.session.get(User, user_id)
                petition = _db.session.get(Petition, petition_id)
                barrier.wait(timeout=30)
                _result, refusal = attempt(operations.sign, user, petition)
                outcomes[user_id] = 'signed' if refusal is None else refusal.code
                _db.session.remove()
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(user_id,)) for user_id in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes.values()) == ['signed'] + ['wrong_state'] * (RACERS - 1)

    with Session(engine) as session:
        petition = session.get(Petition, petition_id)
        assert petition.status == PetitionStatus.THRESHOLD_MET
        active = session.scalars(
            sa.select(PetitionSignature.user_id).where(
                PetitionSignature.petition_id == petition_id, PetitionSignature.withdrawn_at.is_(None)
            )
        ).all()
        assert len(active) == len(set(active)) == 33  # the 32 early ones and exactly one racer
        met = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == 'petition.met')).all()
        assert [entry.details['petition_id'] for entry in met].count(petition_id) == 1
        notified = session.scalars(
            sa.select(Notification.user_id).where(
                Notification.petition_id == petition_id, Notification.kind == 'petition_met'
            )
        ).all()
        assert sorted(notified) == sorted(set(active))  # one set: each signer once
