"""Issue 14's result-page figure: the public result page of a consultation with 2,000 participants.

One published consultation in use (the demo's 7幢楼道照明改造: opinion, legality check, publication, tasks, an
update) is given a closed online meeting with 2,000 residents on its roster (three in four signed in, one in ten
consenting to be named), 20,000 live-room messages, 40 speakers and signed minutes (the real sign-off), 5 closed
votes with their stored results (the real tally and decision), and 5 answered objections. Then ``GET /results/<id>``
is timed through the full Flask stack (anonymous, and logged in as the demo resident) after a warm-up: median and
p95 ms, and the SQL statements per request; the same for a small consultation (10 participants, 100 messages),
whose statement count must be the same. Target (issue 14): median under 100 ms on PostgreSQL.

The database at ``BENCH_DATABASE_URL`` is emptied for each size (as ``make bench`` does for every benchmark: point it
at a scratch database). Without it, the bench's own PostgreSQL database ``bench_results`` is created for each size
and dropped at the end. ``BENCH_REQUESTS``: timed requests per figure (default 60).
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_seed import VOTES  # noqa: E402
from bench.results_seed import seed  # noqa: E402
from consult import create_app  # noqa: E402
from consult.config import TestingConfig  # noqa: E402
from consult.db import db  # noqa: E402
from tests import support  # noqa: E402

DEFAULT_URL = 'postgresql+psycopg://postgres@127.0.0.1:5432/bench_results'
SIZES = ((2_000, 20_000), (10, 100))
REQUESTS = int(os.environ.get('BENCH_REQUESTS', '60'))
WARM = 5
#: What is timed: the result page anonymous and as a resident; the use of the result's public page (its tasks and
#: updates: linked from the topic page, not part of the result page), anonymous.
LINES = (
    ('anonymous', '/results/<id>, anonymous'),
    ('resident', '/results/<id>, logged in as a resident'),
    ('implementation', '/implementation/topic/<id>/public, anonymous'),
)
RESIDENT = '13800000001'  # the demo resident


def _database(url: str, drop: bool = False) -> None:
    """Drop (and unless ``drop``, recreate) the scratch PostgreSQL database."""
    target = sa.make_url(url)
    if target.get_backend_name() != 'postgresql':
        return
    admin = sa.create_engine(target.set(database='postgres'), isolation_level='AUTOCOMMIT', poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        if not drop:
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


def _login(app, client) -> None:
    from consult.demo import demo_password

    page = client.get('/account/login').get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    response = client.post(
        '/account/login',
        data={'identifier': RESIDENT, 'password': demo_password(app.instance_path), 'csrf_token': token},
    )
    assert response.status_code in (302, 303), response.status_code


def _count(app, client, url) -> int:
    counter = support.QueryCounter()
    with app.app_context():
        sa.event.listen(db.engine, 'before_cursor_execute', counter)
    response = client.get(url)
    with app.app_context():
        sa.event.remove(db.engine, 'before_cursor_execute', counter)
    assert response.status_code == 200, (url, response.status_code)
    return counter.count


def _time(client, url) -> tuple[float, float]:
    for _ in range(WARM):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def measure(url: str, participants: int, messages: int, own: bool) -> dict:
    if own:
        _database(url)
    app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'RATELIMIT_ENABLED': False})
    with app.app_context():
        support.reset_schema(db.engine)
        support.upgrade(app)
    started = time.perf_counter()
    topic_id = seed(app, participants, messages)
    load = time.perf_counter() - started
    page = f'/results/{topic_id}'
    figures = {'load': load}
    anonymous, resident = app.test_client(), app.test_client()
    _login(app, resident)
    pages = (
        ('anonymous', anonymous, page),
        ('resident', resident, page),
        ('implementation', anonymous, f'/implementation/topic/{topic_id}/public'),
    )
    for who, client, path in pages:
        statements = _count(app, client, path)
        median, p95 = _time(client, path)
        figures[who] = (median, p95, statements)
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> int:
    url = os.environ.get('BENCH_DATABASE_URL') or DEFAULT_URL
    own = url == DEFAULT_URL
    kind = url.split(':')[0].split('+')[0]
    counts = {}
    for participants, messages in SIZES:
        figures = measure(url, participants, messages, own)
        print(
            f'{kind}: a published consultation with {participants:,} participants, {messages:,} live-room messages, '
            f'{VOTES} votes (seeded in {figures["load"]:.1f} s), {REQUESTS} requests each after {WARM} to warm up:'
        )
        for who, what in LINES:
            median, p95, statements = figures[who]
            verdict = 'within' if median <= 100 else 'OVER'
            print(
                f'  {what}: median {median:.1f} ms, p95 {p95:.1f} ms ({verdict} the 100 ms target); '
                f'{statements} SQL statements'
            )
            counts.setdefault(who, []).append(statements)
    if own:
        _database(url, drop=True)
    for who, numbers in counts.items():
        same = 'the same' if len(set(numbers)) == 1 else 'NOT the same'
        print(f'  statements ({who}) large vs small: {" vs ".join(map(str, numbers))} ({same})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
