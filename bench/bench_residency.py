"""Foundation figures: roster import of 20,000 rows, and the staff review queue with 5,000 pending claims.

Prints one line per figure: median and p95 over repeated runs, and the SQL statement count.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consult import create_app  # noqa: E402
from consult.config import TestingConfig  # noqa: E402
from consult.db import db  # noqa: E402
from tests import support  # noqa: E402

ROSTER_ROWS = 20_000
PENDING_CLAIMS = 5_000
REPEAT = 20


def _timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _setup(url):
    app = create_app(
        TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'RATELIMIT_ENABLED': False, 'WTF_CSRF_ENABLED': False}
    )
    with app.app_context():
        support.reset_schema(db.engine)
        support.upgrade(app)
    return app


def _grow(session, place, count):
    """Add households and pending claims in bulk (one claim per household)."""
    from consult.accounts.models import User
    from consult.communities.models import Building
    from consult.residency.models import Membership

    grid = place.a.grids[0]
    building = Building(grid=grid, name='基准楼')
    session.add(building)
    session.flush()
    session.execute(
        sa.insert(sa.table('households', sa.column('building_id'), sa.column('number'))),
        [{'building_id': building.id, 'number': f'{n:05d}'} for n in range(count)],
    )
    households = (
        session.execute(sa.text('SELECT id FROM households WHERE building_id = :b ORDER BY id'), {'b': building.id})
        .scalars()
        .all()
    )
    password = support.password_hash()
    session.execute(
        sa.insert(User),
        [
            {
                'mobile': f'137{n:08d}',
                'password_hash': password,
                'display_name': f'基准{n}',
                'real_name': f'基准{n}',
                'birth_date': date(1980, 1, 1),
            }
            for n in range(count)
        ],
    )
    users = session.execute(sa.select(User.id).where(User.mobile.like('137%')).order_by(User.id)).scalars().all()
    session.execute(
        sa.insert(Membership),
        [
            {'user_id': u, 'household_id': h, 'community_id': place.a.id, 'grid_id': grid.id, 'status': 'pending'}
            for u, h in zip(users, households, strict=True)
        ],
    )
    session.commit()
    return building


def main():
    url = os.environ.get('BENCH_DATABASE_URL') or f'sqlite:///{tempfile.mkdtemp()}/bench.db'
    app = _setup(url)
    with app.app_context():
        from consult.residency import roster
        from consult.roles.models import Role
        from consult.roles.models import RoleGrant

        place = support.build_place(db.session)
        from consult.accounts.models import User

        staff = User(
            mobile='13600000000',
            password_hash=support.password_hash(),
            display_name='基准社工',
            real_name='基准社工',
            birth_date=date(1985, 1, 1),
        )
        db.session.add(staff)
        db.session.flush()
        db.session.add(RoleGrant(user_id=staff.id, role=Role.COMMITTEE_STAFF, community_id=place.a.id, reason='bench'))
        db.session.commit()
        building = _grow(db.session, place, PENDING_CLAIMS)

        lines = ['姓名,出生日期,网格,楼栋,户号']
        numbers = [h.number for h in building.households]
        for n in range(ROSTER_ROWS):
            lines.append(f'名册{n},1970-01-01,{building.grid.name},{building.name},{numbers[n % len(numbers)]}')
        data = '\n'.join(lines).encode('utf-8')

        def do_import():
            try:
                roster.import_roster(staff, place.a, 'roster.csv', data, max_bytes=10 * 1024 * 1024)
                db.session.flush()
            finally:
                db.session.rollback()

        median, p95 = _timed(do_import, 5)
        print(f'roster import, {ROSTER_ROWS} rows ({url.split(":")[0]}): median {median:.0f} ms, p95 {p95:.0f} ms')

    client = app.test_client()
    client.post(
        '/account/login',
        data={'identifier': '13600000000', 'password': support.PASSWORD},
        headers={'Accept-Language': 'zh-CN'},
    )
    counter = support.QueryCounter()
    with app.app_context():
        sa.event.listen(db.engine, 'before_cursor_execute', counter)
    assert client.get('/residency/review').status_code == 200
    statements = counter.count
    median, p95 = _timed(lambda: client.get('/residency/review?page=3'), REPEAT)
    print(
        f'review queue, {PENDING_CLAIMS} pending claims, page 3: median {median:.1f} ms, p95 {p95:.1f} ms, '
        f'{statements} SQL statements per page'
    )


if __name__ == '__main__':
    main()
