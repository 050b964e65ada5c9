"""Where a cast's CPU goes, without the crowd: ``python -m bench.votes.profile [--voters 400] [--sort tottime]``.

On the bench database as ``make bench-votes`` left it (run that first: it holds the voters, the forged sessions'
secret and the demo data), a new standalone vote is opened and ``--voters`` of the seeded residents cast one after
the other in this process, half through the socket (``socketio.test_client``) and half through HTTP (Flask's test
client), with the app in production configuration, under cProfile. Prints CPU milliseconds per cast by path and
the hottest functions. No gevent, no sockets, no waiting: the app's own work per ballot, which the live-server
figures (server CPU-seconds per ballot) can be set against.
"""

import argparse
import cProfile
import os
import pstats
import time

import sqlalchemy as sa

from bench.live import appsetup
from bench.votes import checks
from bench.votes import seed
from bench.votes.__main__ import DEFAULT_DATABASE_URL


def _clients(app, user_ids):
    from bench.live.auth import forge

    return forge(app, appsetup.login_sessions(app, user_ids))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench.votes.profile')
    parser.add_argument('--voters', type=int, default=400)
    parser.add_argument('--sort', default='tottime')
    parser.add_argument('--top', type=int, default=25)
    parser.add_argument('--only', default='', help='a regular expression on the functions listed')
    parser.add_argument('--no-profile', action='store_true', help='CPU per cast only, without the profiler')
    args = parser.parse_args(argv)
    url = os.environ.get('BENCH_DATABASE_URL', DEFAULT_DATABASE_URL)
    app = checks.make_app(url, None, 'bench-votes-profile')
    from consult.accounts.models import User
    from consult.db import db
    from consult.extensions import socketio

    with app.app_context():
        user_ids = list(db.session.scalars(sa.select(User.id).where(User.mobile.like('137%')).order_by(User.id)))
        db.session.remove()
    if len(user_ids) < args.voters:
        raise SystemExit('run `make bench-votes` first: the bench database has too few seeded voters')
    vote_id, _size = seed.open_vote(app, 'motion', title='剖析表决')
    credentials = _clients(app, user_ids[: args.voters])
    from bench.live.auth import CLIENT_ADDRESS
    from bench.live.auth import USER_AGENT

    # the forged sessions' "strong" identifier is of this address and User-Agent (the test client sets its own)
    environ = {'REMOTE_ADDR': CLIENT_ADDRESS, 'HTTP_USER_AGENT': USER_AGENT}
    sockets = []
    for k, (headers, auth) in enumerate(credentials):
        if k % 2 == 0:
            client = app.test_client()
            client.environ_base.update(environ)
            # the socket test client sends the test client's cookie jar, not a Cookie header
            name, _, value = headers['Cookie'].partition('=')
            client.set_cookie(name, value)
            sockets.append(socketio.test_client(app, flask_test_client=client, auth=auth))
    spent = {'socket': 0.0, 'http': 0.0}
    # CPU time, not wall time: the box is shared, and a wall clock would charge the app for the others' work
    profilers = {path: cProfile.Profile(time.process_time) for path in spent}
    http = app.test_client()
    http.environ_base.update(environ)
    for k, (headers, auth) in enumerate(credentials):
        path = 'socket' if k % 2 == 0 else 'http'
        started = time.process_time()
        if not args.no_profile:
            profilers[path].enable()
        if path == 'socket':
            answer = sockets[k // 2].emit('vote:cast', {'vote': vote_id, 'choice': [k % 3]}, callback=True)
        else:
            name, _, value = headers['Cookie'].partition('=')
            http.set_cookie(name, value)
            response = http.post(
                f'/votes/{vote_id}/cast',
                data={'choice': str(k % 3)},
                headers={'Accept': 'application/json', 'X-CSRFToken': auth['csrf_token']},
            )
            answer = response.get_json()
        profilers[path].disable()
        spent[path] += time.process_time() - started
        if not (isinstance(answer, dict) and answer.get('ok')):
            raise SystemExit(f'voter {k}: {answer!r}')
    casts = args.voters / 2
    for path, seconds in spent.items():
        on = 'off' if args.no_profile else 'on'
        print(f'{path}: {1000 * seconds / casts:.2f} ms CPU per cast (profiler {on})')
    if args.no_profile:
        return 0
    for path, profiler in profilers.items():
        stats = pstats.Stats(profiler)
        print(
            f'\n{path}: where the CPU of a cast goes (ms per cast, profiler on; nested parts are inside their parent)'
        )
        for label, ms in breakdown(stats, casts):
            print(f'  {ms:7.2f}  {label}')
        stats.sort_stats(args.sort).print_stats(*([args.only] if args.only else []), args.top)
    return 0


#: The parts of a cast, by the function that does each (file suffix, function name).
PARTS = (
    ('the whole event (Socket.IO dispatch and handler)', 'socketio/server.py', '_handle_eio_message'),
    ('the whole request (WSGI app)', 'flask/app.py', 'wsgi_app'),
    ('  the request context: session cookie, locale, CSRF check, teardown', 'flask/app.py', 'preprocess_request'),
    ('  Flask-Login: load the user and their login session (1 SELECT)', 'consult/accounts/session.py', 'load_user'),
    ('  find the vote, may the user see it (2 SELECTs: vote, topic)', 'consult/votes/events.py', '_vote'),
    ('  find the vote, may the user see it (2 SELECTs: vote, topic)', 'consult/votes/routes.py', 'load_vote'),
    ('  the empty form (CSRF, WTForms translations)', 'flask_wtf/form.py', '__init__'),
    ('  cast_ballot (lock + option count, UPDATE, INSERT)', 'consult/votes/ballots.py', 'cast_ballot'),
    ('    sealing and the receipt code', 'consult/votes/sealing.py', 'seal'),
    ('    logging', 'logging/__init__.py', 'info'),
    ('  COMMIT', 'sqlalchemy/orm/scoping.py', 'commit'),
    ('  every SQL statement: SQLAlchemy and psycopg', 'sqlalchemy/engine/base.py', '_execute_context'),
)


def breakdown(stats: pstats.Stats, casts: float) -> list[tuple[str, float]]:
    rows = []
    for label, suffix, name in PARTS:
        total = sum(
            entry[3] for (file, _line, func), entry in stats.stats.items() if func == name and file.endswith(suffix)
        )
        if total:
            rows.append((label, 1000 * total / casts))
    return rows


if __name__ == '__main__':
    raise SystemExit(main())
