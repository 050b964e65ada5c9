"""A gunicorn config for looking inside the app during the bench (``BENCH_PROBE=1``): times each ``meeting:say``.

Loaded with ``-c``; ``post_fork`` runs in the worker before it imports the app, so the wrapped handler is the one
the app registers. Logs ``say <wall ms> <statements>`` per message to the server log (bench/results/app-0.log).
Nothing here is part of the app.
"""

import time


def post_fork(server, worker):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import consult.meetings.events as events

    statements = [0]

    @event.listens_for(Engine, 'before_cursor_execute')
    def count(*_args):
        statements[0] += 1

    original = events.on_say

    def on_say(data=None):
        started, before = time.perf_counter(), statements[0]
        try:
            return original(data)
        finally:
            server.log.info('say %.1f ms %d statements', (time.perf_counter() - started) * 1000, statements[0] - before)

    events.on_say = on_say
