"""A gunicorn config for looking inside the app during ``make bench-votes`` (``BENCH_PROBE=1``).

Loaded with ``-c``; ``post_fork`` runs in each worker before it builds the app. Each cast is timed in the
greenlet that handles it: the socket's ``vote:cast`` handler, and the HTTP ``POST /votes/<id>/cast`` request as
Flask dispatches it. One log line per cast (``probe cast <path> ...``) gives its wall time, its SQL statements
and their time, the COMMIT's time, and how long it waited for a pooled connection. ``summarise(log)`` reads
them back. Nothing here is part of the app.
"""

import re
import statistics
import time

_LINE = re.compile(
    r'probe cast (\w+) ok=(\w+) wall ([\d.]+) ms, (\d+) statements, sql ([\d.]+) ms, commit ([\d.]+) ms, '
    r'pool wait ([\d.]+) ms'
)


def post_fork(server, worker):
    import gevent
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.engine.default import DefaultDialect
    from sqlalchemy.pool import QueuePool

    import consult.votes.events as events

    tallies = {}  # greenlet -> [statements, sql ms, commit ms, pool wait ms, began]

    def mine():
        return tallies.get(gevent.getcurrent())

    @event.listens_for(Engine, 'before_cursor_execute')
    def before(*_args):
        if (t := mine()) is not None:
            t[0] += 1
            t[4] = time.perf_counter()

    @event.listens_for(Engine, 'after_cursor_execute')
    def after(*_args):
        if (t := mine()) is not None:
            t[1] += (time.perf_counter() - t[4]) * 1000

    original_commit = DefaultDialect.do_commit

    def do_commit(self, dbapi_connection):
        started = time.perf_counter()
        try:
            return original_commit(self, dbapi_connection)
        finally:
            if (t := mine()) is not None:
                t[2] += (time.perf_counter() - started) * 1000

    DefaultDialect.do_commit = do_commit
    original_get = QueuePool._do_get

    def do_get(self):
        started = time.perf_counter()
        try:
            return original_get(self)
        finally:
            if (t := mine()) is not None:
                t[3] += (time.perf_counter() - started) * 1000

    QueuePool._do_get = do_get

    def timed(path, run):
        me = gevent.getcurrent()
        tallies[me] = t = [0, 0.0, 0.0, 0.0, 0.0]
        started = time.perf_counter()
        ok = False
        try:
            result = run()
            ok = _ok(result)
            return result
        finally:
            tallies.pop(me, None)
            server.log.info(
                'probe cast %s ok=%s wall %.1f ms, %d statements, sql %.1f ms, commit %.1f ms, pool wait %.1f ms',
                path,
                ok,
                (time.perf_counter() - started) * 1000,
                t[0],
                t[1],
                t[2],
                t[3],
            )

    original_cast = events.on_cast

    def on_cast(data=None):
        return timed('socket', lambda: original_cast(data))

    events.on_cast = on_cast
    original_dispatch = Flask.full_dispatch_request

    def full_dispatch_request(self):
        from flask import request

        if request.method == 'POST' and request.path.endswith('/cast'):
            return timed('http', lambda: original_dispatch(self))
        return original_dispatch(self)

    Flask.full_dispatch_request = full_dispatch_request


def _ok(result) -> bool:
    if isinstance(result, dict):
        return bool(result.get('ok'))
    return getattr(result, 'status_code', 0) == 200


def summarise(log_text: str) -> dict:
    """Medians and 99th percentiles of the probe's lines, by path and outcome."""
    rows = {}
    for match in _LINE.finditer(log_text):
        path, ok, *values = match.groups()
        rows.setdefault(f'{path} {"cast" if ok == "True" else "refused"}', []).append([float(v) for v in values])
    summary = {}
    for key, values in sorted(rows.items()):
        columns = list(zip(*values, strict=True))
        summary[key] = {'n': len(values)} | {
            name: {'p50': round(statistics.median(col), 1), 'p99': round(sorted(col)[int(0.99 * (len(col) - 1))], 1)}
            for name, col in zip(('wall_ms', 'statements', 'sql_ms', 'commit_ms', 'pool_wait_ms'), columns, strict=True)
        }
    return summary
