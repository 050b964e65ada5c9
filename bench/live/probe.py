"""A gunicorn config for looking inside the app during the bench (``BENCH_PROBE=1``): times each ``meeting:say``.

Loaded with ``-c``; ``post_fork`` runs in the worker before it imports the app, so the wrapped handler is the one
the app registers. Logs ``say <wall ms> <statements>`` per message to the server log (bench/results/app-0.log),
garbage collections over 5 ms (``gc gen<n> <ms>``) and the gevent hub waking a 10 ms timer over 50 ms late
(``hub late <ms>``: something held the hub that long; ``PROBE_LATE_MS`` sets the threshold).
Nothing here is part of the app.
"""

import time


def post_fork(server, worker):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import consult.meetings.events as events

    statements = [0]

    sql_ms = [0.0]
    sql_began = [0.0]

    @event.listens_for(Engine, 'before_cursor_execute')
    def count(*_args):
        statements[0] += 1
        sql_began[0] = time.perf_counter()

    @event.listens_for(Engine, 'after_cursor_execute')
    def timed_sql(*_args):
        sql_ms[0] += (time.perf_counter() - sql_began[0]) * 1000

    import consult.meetings.live as live

    emit_ms = [0.0]
    original_emit = live.emit_committed

    def emit_committed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original_emit(*args, **kwargs)
        finally:
            emit_ms[0] += (time.perf_counter() - started) * 1000

    live.emit_committed = emit_committed

    original = events.on_say

    def on_say(data=None):
        started, before = time.perf_counter(), statements[0]
        sql_ms[0] = emit_ms[0] = 0.0
        try:
            return original(data)
        finally:
            server.log.info(
                'say %.1f ms %d statements (SQL %.1f ms, emit %.1f ms)',
                (time.perf_counter() - started) * 1000,
                statements[0] - before,
                sql_ms[0],
                emit_ms[0],
            )

    events.on_say = on_say

    import consult.meetings.pushes as pushes

    def timed(what, build):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return build(*args, **kwargs)
            finally:
                server.log.info('build %s %.1f ms', what, (time.perf_counter() - started) * 1000)

        return run

    for what, build in list(pushes.BUILDERS.items()):
        pushes.BUILDERS[what] = timed(what, build)

    import gc

    import gevent

    began = [0.0]

    def collected(phase, info):
        if phase == 'start':
            began[0] = time.perf_counter()
        elif (ms := (time.perf_counter() - began[0]) * 1000) > 5:
            server.log.info('gc gen%d %.1f ms, %d collected', info['generation'], ms, info['collected'])

    gc.callbacks.append(collected)
    import collections
    import os

    if os.environ.get('PROBE_GARBAGE'):
        gc.set_debug(gc.DEBUG_SAVEALL)

        def garbage_types():
            while True:
                gevent.sleep(5)
                kinds = collections.Counter(type(o).__qualname__ for o in gc.garbage)
                server.log.info('garbage %d: %s', len(gc.garbage), kinds.most_common(12))
                where = collections.Counter(
                    f'{o.tb_frame.f_code.co_filename.rsplit("site-packages/", 1)[-1]}:{o.tb_frame.f_code.co_name}'
                    for o in gc.garbage
                    if type(o).__name__ == 'traceback'
                )
                server.log.info('tracebacks: %s', where.most_common(15))
                errors = collections.Counter(type(o).__name__ for o in gc.garbage if isinstance(o, BaseException))
                server.log.info('exceptions: %s', errors.most_common(8))
                gc.garbage.clear()

        gevent.spawn(garbage_types)

    threshold = float(os.environ.get('PROBE_LATE_MS', '50'))

    def watch_hub():
        while True:
            started = time.perf_counter()
            gevent.sleep(0.01)
            if (late := (time.perf_counter() - started) * 1000 - 10) > threshold:
                server.log.info('hub late %.0f ms', late)

    gevent.spawn(watch_hub)
