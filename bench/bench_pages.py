"""Issue 16's figures: the meeting page, the live room's page and the meeting record of a street-sized meeting.

A closed online meeting with 2,000 residents on its roster (three in four signed in), 20,000 live-room messages and
40 speakers (``bench/results_seed.py``) is measured through the full Flask stack, logged in as its chair, after a
warm-up: ``GET /meetings/<id>``, ``/meetings/<id>/room``, ``/meetings/<id>/record`` (and a later page of its
sign-in sheet, and the whole record streamed): median and p95 ms, and the SQL statements per request. The same for a
small meeting (10 residents, 100 messages), whose statement counts must be the same. Then the room's opening over
the socket: how many answers and bytes a reader is sent before the room is usable. Target: record p95 under 100 ms
on PostgreSQL.

The database at ``BENCH_DATABASE_URL`` is emptied for each size (point it at a scratch database); without it the
bench's own PostgreSQL database ``bench_pages`` is created for each size and dropped at the end.
``BENCH_REQUESTS``: timed requests per figure (default 60).
"""

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_results as common  # noqa: E402
from bench.results_seed import DIRECTOR  # noqa: E402
from bench.results_seed import seed  # noqa: E402
from consult import create_app  # noqa: E402
from consult.config import TestingConfig  # noqa: E402
from consult.db import db  # noqa: E402
from tests import support  # noqa: E402

DEFAULT_URL = 'postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages'
SIZES = ((2_000, 20_000), (10, 100))
LINES = (
    ('meeting', 'meeting page   /meetings/<id>'),
    ('room', 'room page      /meetings/<id>/room'),
    ('record', 'record page    /meetings/<id>/record'),
    ('sheet', 'sign-in sheet  /meetings/<id>/record/sheet, a later page'),
    ('full', 'whole record   /meetings/<id>/record/full (streamed)'),
)


def _get(client, url) -> int:
    """GET ``url`` and read its whole body (a streamed page is produced only as it is read)."""
    response = client.get(url)
    response.get_data()
    response.close()
    assert response.status_code == 200, (url, response.status_code)
    return response.status_code


def _count(app, client, url) -> int:
    counter = support.QueryCounter()
    with app.app_context():
        sa.event.listen(db.engine, 'before_cursor_execute', counter)
    _get(client, url)
    with app.app_context():
        sa.event.remove(db.engine, 'before_cursor_execute', counter)
    return counter.count


def _time(client, url) -> tuple[float, float]:
    for _ in range(common.WARM):
        _get(client, url)
    times = []
    for _ in range(common.REQUESTS):
        started = time.perf_counter()
        _get(client, url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _opening(app, client, meeting_id: int) -> tuple[int, int, int, float]:
    """Open the room as a reader does: the join, then the pages it is told to ask for. (answers, messages, bytes, s)"""
    from consult.extensions import socketio

    page = client.get('/').get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    sio = socketio.test_client(app, flask_test_client=client, auth={'csrf_token': token})
    started = time.perf_counter()
    ack = sio.emit('meeting:join', {'meeting': meeting_id, 'last_seq': 0, 'latest': True}, callback=True)
    answers, size, got = 1, len(json.dumps(ack, ensure_ascii=False).encode()), len(ack['missed'])
    while ack.get('more'):
        ack = sio.emit('meeting:replay', {'meeting': meeting_id, 'after': ack['missed'][-1]['seq']}, callback=True)
        if not ack['ok']:  # the event rate: wait as a client must
            time.sleep(0.2)
            ack = {'more': True, 'missed': [{'seq': got}]}
            continue
        answers, size, got = (
            answers + 1,
            size + len(json.dumps(ack, ensure_ascii=False).encode()),
            got + len(ack['missed']),
        )
    elapsed = time.perf_counter() - started
    sio.disconnect()
    return answers, got, size, elapsed


def measure(url: str, participants: int, messages: int, own: bool) -> dict:
    if own:
        common._database(url)
    app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'RATELIMIT_ENABLED': False})
    with app.app_context():
        support.reset_schema(db.engine)
        support.upgrade(app)
    started = time.perf_counter()
    topic_id = seed(app, participants, messages)
    figures = {'load': time.perf_counter() - started}
    with app.app_context():
        from consult.meetings.models import Meeting

        meeting_id = db.session.scalar(sa.select(Meeting.id).where(Meeting.topic_id == topic_id))
    chair = app.test_client()
    common.RESIDENT = DIRECTOR
    common._login(app, chair)
    sheet = chair.get(f'/meetings/{meeting_id}/record/sheet').get_data(as_text=True)
    later = re.search(r'href="([^"]+)" rel="next"', sheet)
    pages = {
        'meeting': f'/meetings/{meeting_id}',
        'room': f'/meetings/{meeting_id}/room',
        'record': f'/meetings/{meeting_id}/record',
        'sheet': later.group(1).replace('&amp;', '&') if later else f'/meetings/{meeting_id}/record/sheet',
        'full': f'/meetings/{meeting_id}/record/full',
    }
    for what, path in pages.items():
        probe = chair.get(path)
        probe.get_data()
        probe.close()
        if probe.status_code != 200:
            continue  # a page this version does not have
        statements = _count(app, chair, path)
        median, p95 = _time(chair, path)
        figures[what] = (median, p95, statements)
    figures['opening'] = _opening(app, chair, meeting_id)
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
            f'{kind}: a closed meeting of {participants:,} residents, {messages:,} live-room messages '
            f'(seeded in {figures["load"]:.1f} s), {common.REQUESTS} requests each after {common.WARM} to warm up:'
        )
        for what, label in LINES:
            if what not in figures:
                print(f'  {label}: not in this version')
                continue
            median, p95, statements = figures[what]
            verdict = (
                ''
                if what != 'record'
                else (' (within the 100 ms target)' if p95 <= 100 else ' (OVER the 100 ms target)')
            )
            print(f'  {label}: p50 {median:.1f} ms, p95 {p95:.1f} ms{verdict}; {statements} SQL statements')
            counts.setdefault(what, []).append(statements)
        answers, got, size, elapsed = figures['opening']
        print(
            f'  opening the room (socket): {answers} answer(s), {got:,} messages, {size / 1e6:.2f} MB, '
            f'{elapsed * 1000:.0f} ms'
        )
    if own:
        common._database(url, drop=True)
    for what, numbers in counts.items():
        same = 'the same' if len(set(numbers)) == 1 else 'NOT the same'
        if what == 'full':
            same = 'by design: one more per 500 rows, the document is read in chunks as it streams'
        print(f'  statements ({what}) large vs small: {" vs ".join(map(str, numbers))} ({same})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
