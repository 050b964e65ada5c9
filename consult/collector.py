"""Garbage collection tuned for a long-lived server process (production only; tests and development keep
Python's defaults).

CPython's cyclic collector stops everything it runs in; under gevent that is the hub, so every socket of the
process waits. A full collection walks every tracked object: the app's own (modules, SQLAlchemy metadata,
translations, templates) and every socket's. Measured with ``BENCH_PROBE=1`` and 1,000 people in one room,
full collections came every 2-3 s and took 160-500 ms, each one a stall of every message in flight.

- ``GC_FREEZE``: once the app is built, ``gc.freeze()`` moves everything that exists to the permanent
  generation, so no later collection walks it again (it is never garbage: the app lives as long as the
  process).
- ``GC_THRESHOLDS``: collect the young generation after 50,000 net allocations instead of 700, so objects
  of a request or an event mostly die before a collection sees them and fewer of them reach the old
  generations.
"""

import gc

from flask import Flask


def tune_collector(app: Flask) -> None:
    thresholds = app.config.get('GC_THRESHOLDS')
    if thresholds:
        gc.set_threshold(*thresholds)
    if app.config.get('GC_FREEZE'):
        gc.collect()
        gc.freeze()
