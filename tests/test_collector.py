"""Memory a crowd of departed sockets freed goes back to the system once things are quiet (issue 16).

glibc kept what a thousand departed sockets freed in its heap: the worker grew about 3 MiB per 1,000 joins and
leaves. These tests use the real ``malloc_trim`` of the C library and a real heap: a burst of allocations freed
in the middle of the heap (as departed sockets leave it) is given back only by the trim, and only once no socket
has left for ``MALLOC_TRIM_AFTER`` seconds.
"""

import ctypes
import gc
import weakref

import pytest

from consult import collector


def _rss_kib() -> int:
    return collector._rss_kib()


@pytest.fixture
def trimming(app, monkeypatch):
    monkeypatch.setitem(app.config, 'MALLOC_TRIM_AFTER', 45)
    collector.tune_collector(app)
    if collector._trim.function is None:
        pytest.skip('no glibc malloc_trim on this system')
    yield collector._trim
    monkeypatch.setitem(app.config, 'MALLOC_TRIM_AFTER', 0)
    collector.tune_collector(app)


def _fragment_the_heap() -> list:
    """Allocate 40 MiB in 4 KiB blocks (below the mmap threshold: in the heap), keep one block in 64 (as sockets
    still in the room keep theirs) and free the rest: free pages the heap cannot give back from its top."""
    blocks = [ctypes.create_string_buffer(4096) for _ in range(10_240)]
    for block in blocks:
        ctypes.memset(block, 1, 4096)  # touched: resident
    return [block for i, block in enumerate(blocks) if i % 64 == 0]


def test_the_memory_of_departed_sockets_goes_back_once_none_has_left_for_a_while(trimming):
    kept = _fragment_the_heap()
    before = _rss_kib()
    collector.note_departure(100.0)
    collector.note_departure(101.0)
    assert not collector.trim_if_settled(130.0)  # a socket left 29 s ago: its memory may still be held
    assert _rss_kib() > before - 10 * 1024
    assert collector.trim_if_settled(146.0)
    assert before - _rss_kib() > 20 * 1024  # most of the 40 MiB freed in the middle of the heap went back
    assert trimming.trims == 1
    assert not collector.trim_if_settled(300.0)  # nothing left since: nothing to do
    assert len(kept) == 160


def test_a_socket_leaving_during_the_wait_puts_the_trim_off(trimming):
    collector.note_departure(100.0)
    collector.note_departure(140.0)
    assert not collector.trim_if_settled(146.0)
    assert collector.trim_if_settled(185.0)


def test_off_by_default_outside_production(app):
    collector.tune_collector(app)
    assert app.config.get('MALLOC_TRIM_AFTER') is None
    collector.note_departure(0.0)
    assert not collector.trim_if_settled(10_000.0)


def test_the_cycles_departed_sockets_leave_are_collected_first(trimming):
    """A socket's objects refer to each other; only a full collection frees them, and those are rare."""

    class Held:
        pass

    was_enabled = gc.isenabled()
    gc.disable()  # as between the rare collections of the oldest generation
    try:
        socket, task = Held(), Held()
        socket.task, task.socket = task, socket
        gone = weakref.ref(socket)
        del socket, task
        collector.note_departure(100.0)
        assert gone() is not None
        assert collector.trim_if_settled(146.0)
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()
