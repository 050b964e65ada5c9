"""Issue 3's figure: the public topic list with 10,000 topics and 100,000 co-signs.

Measures the first page and a filtered search page (community + category + text), median and p95 over
repeated requests through the full Flask stack, and the SQL statements per page at two page sizes.
Target (issue 3): each median within 50 ms on SQLite and on PostgreSQL, statements constant.
"""

import random
import statistics
import sys
import time
from datetime import date
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seeded import seeded_app  # noqa: E402
from consult.db import db  # noqa: E402
from consult.kernel.clock import utcnow  # noqa: E402
from tests import support  # noqa: E402

TOPICS = 10_000
COSIGNS = 100_000
SIGNERS = 2_000
REPEAT = 30
WORDS = ['加装电梯', '停车位', '垃圾分类', '路灯', '绿化', '养老服务', '噪音', '快递柜', '充电桩', '消防通道']
CATEGORIES = ['public_affairs', 'urgent_problem', 'policy_implementation', 'legally_required', 'participant_requested']
STATUSES = ['submitted', 'screening', 'announced', 'rejected', 'announced', 'announced', 'draft']


def _timed(fn):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _populate(place):
    from consult.accounts.models import User
    from consult.topics.models import CoSign
    from consult.topics.models import Topic
    from consult.topics.models import TopicCategory

    rng = random.Random(3)
    password = support.password_hash()
    db.session.execute(
        sa.insert(User),
        [
            {
                'mobile': f'135{n:08d}',
                'password_hash': password,
                'display_name': f'联署人{n}',
                'real_name': f'联署人{n}',
                'birth_date': date(1980, 1, 1),
            }
            for n in range(SIGNERS)
        ],
    )
    users = db.session.scalars(sa.select(User.id).where(User.mobile.like('135%'))).all()
    communities = [place.a.id, place.b.id, place.c.id]
    start = utcnow() - timedelta(days=400)
    rows = []
    for n in range(TOPICS):
        word = rng.choice(WORDS)
        rows.append(
            {
                'community_id': communities[n % 3],
                'title': f'{word}问题第{n}号',
                'body': f'关于{word}的建议，编号{n}。',
                'body_html': f'<p>关于{word}的建议，编号{n}。</p>',
                'status': rng.choice(STATUSES),
                'public': n % 50 != 0,
                'source_channel': 'online',
                'submitted_by_id': users[n % SIGNERS],
                'cosign_count': COSIGNS // TOPICS,
                'created_at': start + timedelta(minutes=n * 50),
                'updated_at': start + timedelta(minutes=n * 50),
                'declared_not_excluded': True,
                'area_kind': 'community',
            }
        )
    db.session.execute(sa.insert(Topic), rows)
    topic_ids = db.session.scalars(sa.select(Topic.id).order_by(Topic.id)).all()
    db.session.execute(
        sa.insert(TopicCategory),
        [
            {'topic_id': tid, 'code': code}
            for i, tid in enumerate(topic_ids)
            for code in {CATEGORIES[i % 5], CATEGORIES[(i * 7) % 5]}
        ],
    )
    per_topic = COSIGNS // TOPICS
    db.session.execute(
        sa.insert(CoSign),
        [
            {'topic_id': tid, 'user_id': users[(i * per_topic + k) % SIGNERS], 'created_at': utcnow()}
            for i, tid in enumerate(topic_ids)
            for k in range(per_topic)
        ],
    )
    db.session.commit()


def main():
    app, load, kind, code = seeded_app(_populate, lambda place: place.a.code)
    client = app.test_client()
    print(f'{kind}: {TOPICS} topics, {COSIGNS} co-signs loaded in {load:.1f} s')
    pages = {
        'first page': {},
        'filtered search': {'community': code, 'category': 'public_affairs', 'q': '电梯'},
    }
    for name, args in pages.items():
        counts = []
        for per_page in (20, 100):
            counter = support.QueryCounter()
            with app.app_context():
                sa.event.listen(db.engine, 'before_cursor_execute', counter)
            response = client.get('/topics/', query_string={**args, 'per_page': per_page})
            with app.app_context():
                sa.event.remove(db.engine, 'before_cursor_execute', counter)
            assert response.status_code == 200
            counts.append(counter.count)
        median, p95 = _timed(lambda args=args: client.get('/topics/', query_string=args))
        verdict = 'within' if median <= 50 else 'OVER'
        print(
            f'  {name}: median {median:.1f} ms, p95 {p95:.1f} ms ({verdict} the 50 ms target); '
            f'SQL statements at 20 and 100 per page: {counts[0]} and {counts[1]}'
        )


if __name__ == '__main__':
    main()
