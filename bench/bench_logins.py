"""Issue 11 (5): a live-room socket's ping while 10 people log in at once, on the production server.

Starts ``gunicorn -k gevent -w 1`` (``tests/live_server.py``, production config, so the real Argon2id
parameters), connects one socket, pings it idle, then pings it repeatedly while 10 logins (each an Argon2id
verification, about 0.4 s of CPU) run in parallel. Password hashing on the gevent loop froze every socket for
the sum of the hashes; off the loop (a thread of gevent's pool) the ping stays near its idle time.
Set ``BENCH_DATABASE_URL`` to a PostgreSQL URL to run the server on PostgreSQL (a scratch database is made).
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_server import live_server  # noqa: E402
from tests.login_load import pings_during_logins  # noqa: E402

ROUNDS = 3


def main() -> int:
    env = {'LOGIN_ACCOUNT_RATE_LIMIT': '1000 per minute', 'LOGIN_MAX_FAILURES': '1000'}
    with tempfile.TemporaryDirectory() as tmp:
        with live_server(Path(tmp), database_url=os.environ.get('BENCH_DATABASE_URL'), production=True, env=env) as s:
            for n in range(ROUNDS):
                figures = pings_during_logins(s, logins=10)
                assert set(figures.login_codes) == {302}, figures.login_codes
                print(f'round {n + 1}: {figures.summary()}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
