"""Issue 14's open-data figure: the API listing 10,000 published results.

10,000 public topics in a published-result state, each with its closed vote (and one meeting in ten with a
roster and sign-ins). Walks ``/api/v1/results``, ``/api/v1/votes`` and ``/api/v1/meetings`` page by page through
their ``next`` links (cursors deep into the list, not only the first page), through the full Flask stack:
median and p95 ms per page, and the SQL statements per page at two page sizes (they must be equal).
Target (issue 14): median under 50 ms per page on PostgreSQL (set ``BENCH_DATABASE_URL``; it is emptied).
"""

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

RESULTS = 10_000
MEETING_EVERY = 10
ROSTER = 20
PAGES = 40
STATES = ['result_published', 'reported_to_gov', 'implementing', 'feedback_given', 'archived', 'closed_not_adopted']


def _populate(place):
    from consult.accounts.models import User
    from consult.meetings.models import Attendance
    from consult.meetings.models import Meeting
    from consult.meetings.models import Participant
    from consult.rules.queries import rules_in_force
    from consult.topics.models import Topic
    from consult.votes.models import Vote
    from consult.votes.models import VoteOption

    password = support.password_hash()
    db.session.execute(
        sa.insert(User),
        [
            {
                'mobile': f'136{n:08d}',
                'password_hash': password,
                'display_name': f'居民{n}',
                'real_name': f'居民{n}',
                'birth_date': date(1980, 1, 1),
            }
            for n in range(ROSTER)
        ],
    )
    users = db.session.scalars(sa.select(User.id).where(User.mobile.like('136%')).order_by(User.id)).all()
    rules = rules_in_force(place.a, date.today())
    start = utcnow() - timedelta(days=400)
    communities = [place.a.id, place.b.id, place.c.id]
    db.session.execute(
        sa.insert(Topic),
        [
            {
                'community_id': communities[n % 3],
                'title': f'议题第{n}号：加装电梯',
                'body': f'关于加装电梯的建议，编号{n}。',
                'body_html': f'<p>编号{n}</p>',
                'status': STATES[n % len(STATES)],
                'public': True,
                'source_channel': 'online',
                'submitted_by_id': users[n % ROSTER],
                'area_kind': 'community',
                'created_at': start + timedelta(minutes=n),
                'updated_at': start + timedelta(minutes=n),
            }
            for n in range(RESULTS)
        ],
    )
    topics = db.session.execute(sa.select(Topic.id, Topic.community_id).order_by(Topic.id)).all()
    meetings = [
        {
            'topic_id': tid,
            'community_id': cid,
            'title': f'居民会议{tid}',
            'kind': 'residents_meeting',
            'form': 'onsite',
            'starts_at': start,
            'chair_id': users[0],
            'secretary_id': users[1],
            'created_by_id': users[0],
            'status': 'closed',
            'opened_at': start,
            'closed_at': start,
            'rule_set_id': rules.id,
            'outcome': 'consensus',
            'checkin_secret': 'x' * 32,
            'minutes': '',
            'dissents': [],
        }
        for i, (tid, cid) in enumerate(topics)
        if i % MEETING_EVERY == 0
    ]
    db.session.execute(sa.insert(Meeting), meetings)
    meeting_ids = dict(db.session.execute(sa.select(Meeting.topic_id, Meeting.id)).all())
    db.session.execute(
        sa.insert(Participant),
        [
            {
                'meeting_id': mid,
                'user_id': u,
                'kind': 'resident',
                'source': 'added',
                'added_by_id': users[0],
                'organisation': '',
            }
            for mid in meeting_ids.values()
            for u in users
        ],
    )
    db.session.execute(
        sa.insert(Attendance),
        [{'meeting_id': mid, 'user_id': u, 'method': 'qr'} for mid in meeting_ids.values() for u in users[:15]],
    )
    result = _result()
    db.session.execute(
        sa.insert(Vote),
        [
            {
                'community_id': cid,
                'topic_id': tid,
                'meeting_id': meeting_ids.get(tid),
                'title': f'表决{tid}',
                'question': '',
                'kind': 'single',
                'max_choices': 1,
                'secret': True,
                'decides': True,
                'rule_kind': 'residents_meeting',
                'electorate_mode': 'roster',
                'status': 'closed',
                'opened_at': start,
                'closed_at': start,
                'created_by_id': users[0],
                'electorate_size': ROSTER,
                'result': result,
                'quorum_met': True,
                'adopted': True,
                'box_salt': '',
            }
            for tid, cid in topics
        ],
    )
    vote_ids = db.session.scalars(sa.select(Vote.id)).all()
    db.session.execute(
        sa.insert(VoteOption),
        [
            {'vote_id': vid, 'position': p, 'label': label}
            for vid in vote_ids
            for p, label in enumerate(['甲', '乙', '丙'])
        ],
    )
    db.session.commit()


def _result() -> dict:
    """A real stored result (a tally and the decision under the default rules), the same for every vote."""
    from consult.rules.defaults import MEETING_RULES
    from consult.votes.counting import tally
    from consult.votes.decide import decide

    rules = MEETING_RULES['residents_meeting']
    counted = tally('single', 3, [((0,), 1)] * 12 + [((1,), 1)] * 3, seed=b'bench')
    bases = {('eligible', 'head'): ROSTER, ('attending', 'head'): 15}
    decision = decide('single', counted, quorum=rules['quorum'], approval=rules['approval'], bases=bases)
    return {'tally': counted.to_dict(), 'decision': decision.to_dict(), 'options': ['甲', '乙', '丙']}


def _count(app, client, url) -> int:
    counter = support.QueryCounter()
    with app.app_context():
        sa.event.listen(db.engine, 'before_cursor_execute', counter)
    response = client.get(url)
    with app.app_context():
        sa.event.remove(db.engine, 'before_cursor_execute', counter)
    assert response.status_code == 200, (url, response.status_code)
    return counter.count


def _walk(client, url) -> list[float]:
    """Follow ``next`` for ``PAGES`` pages, timing each request."""
    times = []
    while url and len(times) < PAGES:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
        url = response.get_json()['next']
    return sorted(times)


def main():
    app, load, kind, _kept = seeded_app(_populate)
    client = app.test_client()
    print(f'{kind}: {RESULTS} published results with their votes loaded in {load:.1f} s')
    for name in ('results', 'votes', 'meetings'):
        counts = [_count(app, client, f'/api/v1/{name}?limit={limit}') for limit in (10, 200)]
        client.get(f'/api/v1/{name}')  # warm
        times = _walk(client, f'/api/v1/{name}?limit=50')
        median = statistics.median(times)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        verdict = 'within' if median <= 50 else 'OVER'
        print(
            f'  /api/v1/{name}, 50 per page, {len(times)} pages through the cursors: median {median:.1f} ms, '
            f'p95 {p95:.1f} ms ({verdict} the 50 ms target); SQL statements at 10 and 200 per page: '
            f'{counts[0]} and {counts[1]}'
        )
    return 0


if __name__ == '__main__':
    sys.exit(main())
