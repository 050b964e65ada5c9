"""``make bench-votes``: 5,000 voters cast their ballots at once on a standalone vote; every ballot counted once.

    python -m bench.votes [--voters 5000] [--workers N ...] [--procs 3] [--duplicates 0.1] [--kind motion|single]
                          [--http-limit 100] [--no-redis] [--no-inserts]

The app as in production (gunicorn -k gevent, CONSULT_ENV=production, PostgreSQL ``BENCH_DATABASE_URL`` (dropped
and recreated), Redis ``BENCH_REDIS_URL``), seeded with the demo data and ``--voters`` verified adults of 东湖社区
whose login sessions are forged (bench/live/auth.py). Per round (one per ``--workers`` value; by default 1 worker,
then 2 if 1 missed the target): a new standalone vote is opened, the server started, the socket voters connect,
then every voter casts at once, half through ``vote:cast`` and half through ``POST /votes/<id>/cast``, with
duplicates sent at the same moment (a voter told "temporarily unavailable" presses again); then the same number of bare single-row INSERTs through psycopg on the same
database (at the clients' and at the app's pool concurrency); then the server stops, the vote is closed and
counted in-process, and every ballot is checked to be counted exactly once. Prints a table and writes
bench/results/votes-<time>.json. Target (issue 13): at least 1,000 ballots/s, every ballot counted exactly once.
"""

import argparse
import contextlib
import json
import os
import secrets
import sys
import time

from bench.live import appsetup
from bench.live import servers
from bench.live.driver import apply_priority
from bench.live.driver import raise_fd_limit
from bench.live.driver import reset_priority
from bench.votes import checks
from bench.votes import driver
from bench.votes import inserts
from bench.votes import seed
from bench.votes.figures import HEADER
from bench.votes.figures import Counters
from bench.votes.figures import judge
from bench.votes.figures import print_round
from bench.votes.probe import summarise

TARGET = 1000.0
DEFAULT_DATABASE_URL = 'postgresql+psycopg://postgres@127.0.0.1:5432/bench_votes'
#: Sockets and HTTP connections per gunicorn worker: every voter's at once (gevent's default admits 1,000).
WORKER_CONNECTIONS = 12000
#: ``--stale-sessions``: older than ``LOGIN_SESSION_TOUCH_SECONDS`` (300), so each session's use is recorded.
STALE_SECONDS = 600


def _args(argv):
    parser = argparse.ArgumentParser(prog='python -m bench.votes')
    parser.add_argument('--voters', type=int, default=5000)
    parser.add_argument(
        '--workers', type=int, nargs='*', help='gunicorn workers per round (default: 1, then 2 if 1 missed the target)'
    )
    parser.add_argument('--procs', type=int, default=int(os.environ.get('BENCH_PROCS', '3')), help='client processes')
    parser.add_argument('--duplicates', type=float, default=0.1, help='share of voters who also send a duplicate')
    parser.add_argument('--kind', choices=['motion', 'single'], default='motion')
    parser.add_argument('--paths', choices=['both', 'socket', 'http'], default='both', help='how the voters cast')
    parser.add_argument(
        '--http-limit', type=int, default=100, help='HTTP connections per client process (0: one per request)'
    )
    parser.add_argument('--no-redis', action='store_true', help='the app without Redis (queue and limits in memory)')
    parser.add_argument('--no-inserts', action='store_true', help='skip the bare INSERT yardstick')
    parser.add_argument(
        '--stale-sessions', action='store_true', help='login sessions last used 10 minutes ago (each one touched)'
    )
    return parser.parse_args(argv)


class Bench:
    def __init__(self, args):
        self.args = args
        self.url = os.environ.get('BENCH_DATABASE_URL', DEFAULT_DATABASE_URL)
        self.redis = None if args.no_redis else appsetup.redis_url()
        self.channel = f'bench-votes-{secrets.token_hex(4)}'  # pub/sub channels are not per Redis database

    def setup(self) -> None:
        started = time.monotonic()
        appsetup.reset_database(self.url)
        self.env = {**appsetup.server_env(self.url, self.redis), 'SOCKETIO_CHANNEL': self.channel}
        appsetup.migrate(self.env)
        self.app = checks.make_app(self.url, self.redis, self.channel)
        user_ids = seed.seed_voters(self.app, self.args.voters)
        from bench.live.auth import forge

        self.credentials = forge(self.app, appsetup.login_sessions(self.app, user_ids))
        self.pool = checks.pool_size(self.app)
        self.setup_s = round(time.monotonic() - started, 1)
        print(
            f'seeded {len(user_ids):,} voters with forged sessions in {self.setup_s} s; app pool {self.pool} connections'
        )

    def round(self, workers: int) -> dict:
        args = self.args
        vote_id, electorate = seed.open_vote(self.app, args.kind, title=f'加装电梯表决（{workers} 进程）')
        voters = driver.plan(self.credentials, seed.options_of(args.kind), args.duplicates, args.paths)
        checks.age_sessions(self.app, STALE_SECONDS if args.stale_sessions else 0)
        name = f'votes-app-{workers}w'
        with servers.app_server(self.env, name, workers, WORKER_CONNECTIONS, probe='bench/votes/probe.py') as server:
            checks.preflight(server.url, vote_id, voters[1].headers, voters[1].token)
            counters = Counters(server)
            cast = driver.cast([server.url], vote_id, voters, args.procs, args.http_limit, on_go=counters.start)
            baseline = []
            if not args.no_inserts:
                for concurrency in sorted({args.procs, self.pool * workers}):
                    baseline.append(inserts.measure(self.url, args.voters, concurrency, args.procs))
        before_close = checks.marked_and_sealed(self.app, vote_id)
        closed = checks.close_and_count(self.app, vote_id)
        figures = judge(voters, cast, closed, before_close)
        figures.update(
            workers=workers,
            vote=vote_id,
            kind=args.kind,
            electorate=electorate,
            inserts=baseline,
            loadavg=os.getloadavg(),
        )
        print_round(figures)
        if os.environ.get('BENCH_PROBE'):
            figures['probe'] = summarise(server.log_path.read_text(errors='replace'))
            for key, row in figures['probe'].items():
                print(f'    probe {key}: {row}', flush=True)
        return figures


def main(argv=None) -> int:
    args = _args(argv)
    raise_fd_limit(4 * args.voters + 1024)
    apply_priority()
    bench = Bench(args)
    rounds = []
    with contextlib.ExitStack() as stack:
        stack.callback(reset_priority)
        bench.setup()
        print(
            f'{args.voters:,} voters at once ({args.procs} client processes, {os.cpu_count()} cores shared with the '
            f'server and PostgreSQL), duplicates {args.duplicates:.0%}, a {args.kind} vote'
        )
        print(HEADER)
        out = checks.ensure_dir(servers.RESULTS) / f'votes-{time.strftime("%Y%m%d-%H%M%S")}.json'
        setup = {'voters': args.voters, 'pool': bench.pool, 'setup_s': bench.setup_s, 'cores': os.cpu_count()}
        for workers in args.workers or [1, 2]:
            if not args.workers and workers == 2:
                if rounds[0]['ballots_per_s'] >= TARGET:
                    break
                print(f'    1 worker missed {TARGET:,.0f} ballots/s: again with 2 workers')
            rounds.append(bench.round(workers))
            # after each round: a later round that hangs keeps the earlier figures
            out.write_text(json.dumps({'args': vars(args), 'setup': setup, 'rounds': rounds}, indent=1, default=str))
    print(f'written: {out.relative_to(servers.ROOT)}')
    for r in rounds:
        met = r['ballots_per_s'] >= TARGET and r['exactly_once']
        print(
            f'issue 13 target, {r["workers"]} worker(s) (>= {TARGET:,.0f} ballots/s, each counted exactly once): '
            f'{r["ballots_per_s"]:,.0f}/s, exactly once {"yes" if r["exactly_once"] else "NO"}: '
            f'{"met" if met else "NOT met"}'
        )
    return 0 if all(r['exactly_once'] for r in rounds) else 1  # time asserts nothing; a lost ballot does


if __name__ == '__main__':
    sys.exit(main())
