"""One ordered path per room and process (``consult.meetings.ordering``): messages leave in sequence order.

The writer of a higher number may be resumed before the writer of a lower one has looked at its result; these
tests make exactly that happen and expect the room to see the numbers in order all the same.
"""

import random
import threading
import time

from consult.meetings import live
from consult.meetings import ordering
from consult.meetings import seats
from tests.meetings.conftest import events


def test_a_later_write_that_returns_first_waits_for_the_earlier_one():
    sent = []
    first, second = ordering.start('r'), ordering.start('r')
    ordering.done('r', second, 6, lambda: sent.append(6))
    assert sent == []  # 5 may still be on its way
    ordering.done('r', first, 5, lambda: sent.append(5))
    assert sent == [5, 6]
    assert ordering.pending() == 0


def test_a_write_started_after_a_message_returned_does_not_hold_it_back():
    sent = []
    first = ordering.start('r')
    ordering.done('r', first, 1, lambda: sent.append(1))
    later = ordering.start('r')  # can only get a higher number
    assert sent == [1]
    second = ordering.start('r')
    ordering.done('r', second, 3, lambda: sent.append(3))
    assert sent == [1]  # ``later`` started before 3 returned: it may hold 2
    ordering.drop('r', later)  # it stored nothing
    assert sent == [1, 3]
    assert ordering.pending() == 0


def test_rooms_do_not_wait_for_each_other_and_a_failed_send_holds_nothing_up():
    sent = []
    a, b = ordering.start('a'), ordering.start('b')
    ordering.done('b', b, 9, lambda: sent.append('b9'))
    assert sent == ['b9']
    later = ordering.start('a')

    def broken():
        raise ConnectionError('the queue is down')

    ordering.done('a', later, 2, lambda: sent.append('a2'))
    ordering.done('a', a, 1, broken)
    assert sent == ['b9', 'a2']
    assert ordering.pending() == 0


def test_writers_resumed_in_any_order_send_every_number_in_order():
    """32 threads take numbers under a lock (the meeting's row), then are held up at random before handing them
    back, as greenlets resumed in any order by the hub."""
    sent, numbers, lock = [], iter(range(1, 1000)), threading.Lock()

    def writer():
        for _ in range(10):
            ticket = ordering.start('room')
            with lock:
                seq = next(numbers)
            time.sleep(random.random() / 200)
            ordering.done('room', ticket, seq, lambda seq=seq: sent.append(seq))

    threads = [threading.Thread(target=writer) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sent == list(range(1, 321))
    assert ordering.pending() == 0


def test_the_room_sees_a_message_that_was_resumed_late_before_the_next_one(
    db, cast, open_meeting, sockets, monkeypatch
):
    """The resident's statement returns seq 1; before their greenlet looks at it, the neighbour's message is
    stored (seq 2) and handed back. The room still gets 1 then 2."""
    listener = sockets(cast.director)
    assert listener.emit('meeting:join', {'meeting': open_meeting.id, 'last_seq': 0}, callback=True)['ok']
    listener.get_received()
    write, overtaken = seats.write, []

    def committed_write(seat, text, client_id, now):  # the production path's answer: committed by its statement
        seq, _ = write(seat, text, client_id, now)
        if client_id == 'r1':
            overtaken.append(live.say(seats.seat_for(cast.neighbour, open_meeting), '我后说', 'n1'))
        return seq, True

    monkeypatch.setattr(seats, 'write', committed_write)
    said = live.say(seats.seat_for(cast.resident, open_meeting), '我先说', 'r1')
    db.session.commit()
    assert (said.seq, overtaken[0].seq) == (1, 2)
    assert [m['seq'] for m in events(listener, 'meeting:message')] == [1, 2]
    assert ordering.pending() == 0
