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
- ``MALLOC_TRIM_AFTER``: once no socket has left for that many seconds, give the memory the departed ones freed
  back to the system (``trim_if_settled``).
"""

import ctypes
import ctypes.util
import gc
import logging
import time

from flask import Flask

logger = logging.getLogger(__name__)


def tune_collector(app: Flask) -> None:
    thresholds = app.config.get('GC_THRESHOLDS')
    if thresholds:
        gc.set_threshold(*thresholds)
    if app.config.get('GC_FREEZE'):
        gc.collect()
        gc.freeze()
    _trim.after = float(app.config.get('MALLOC_TRIM_AFTER') or 0)
    _trim.function = _malloc_trim() if _trim.after > 0 else None


class _Trim:
    """When to give the memory of departed sockets back to the system (``MALLOC_TRIM_AFTER``)."""

    def __init__(self):
        self.after: float = 0.0  # seconds of quiet after departures; 0: never
        self.function = None  # glibc's malloc_trim, where there is one
        self.last_departure: float | None = None  # monotonic; None: nothing to give back
        self.departures = 0
        self.trims = 0


_trim = _Trim()


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6').malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator is left as it is
        return None


def note_departure(now: float) -> None:
    """A socket closed (``consult.socket_limits``): once things are quiet, its memory can go back."""
    if _trim.function is not None:
        _trim.last_departure = now
        _trim.departures += 1


def trim_if_settled(now: float) -> bool:
    """Free what departed sockets left and give it back to the system, once no socket has left for
    ``MALLOC_TRIM_AFTER`` seconds.

    A departed socket leaves reference cycles (its Engine.IO socket, greenlets, queues) that only a collection of
    the oldest generation frees, and with ``GC_THRESHOLDS`` those are rare; what they free, and the sockets'
    buffers and greenlet stacks, glibc keeps in its heap between blocks still in use, giving back only the free
    space at its top. After a thousand people left a room the worker kept about 3 MiB more each time (``make
    bench-live BENCH_ARGS="--cycles 10"``). So, once things are quiet: a full collection, then ``malloc_trim(0)``,
    which returns every free page. It waits until the departed sockets are really gone: Engine.IO keeps a closed
    socket while its ping task sleeps (the ping interval) and while its sweep walks the sockets it had (the ping
    timeout). Called about once a second by the socket sweep (``consult.socket_limits``).
    """
    if _trim.last_departure is None or now - _trim.last_departure < _trim.after:
        return False
    departures, _trim.last_departure, _trim.departures = _trim.departures, None, 0
    before, started = _rss_kib(), time.perf_counter()
    found = gc.collect()
    collected = time.perf_counter()
    _trim.function(0)
    _trim.trims += 1
    logger.info(
        'after %s socket(s) left: %s objects collected in %.1f ms, %s KiB given back in %.1f ms',
        departures,
        found,
        1000 * (collected - started),
        before - _rss_kib(),
        1000 * (time.perf_counter() - collected),
    )
    return True


def _rss_kib() -> int:
    try:
        with open('/proc/self/status', encoding='ascii') as status:
            return next((int(line.split()[1]) for line in status if line.startswith('VmRSS:')), 0)
    except OSError:
        return 0
