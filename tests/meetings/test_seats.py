"""The live room's process-local pace limits: a moving window, exact at its edges, that forgets idle people."""

from consult.meetings.seats import MovingWindow


def test_the_limit_holds_in_any_window_and_frees_exactly_when_the_oldest_hit_leaves_it():
    window = MovingWindow()
    assert all(window.hit((3, 10), 'say', 1, now=t) for t in (0.0, 1.0, 2.0))
    assert not window.hit((3, 10), 'say', 1, now=9.99)  # a fourth within 10 s of the first
    assert window.hit((3, 10), 'say', 1, now=10.0)  # the first has just left the window
    assert not window.hit((3, 10), 'say', 1, now=10.5)
    assert window.hit((3, 10), 'say', 2, now=10.5)  # someone else counts apart


def test_a_refused_hit_is_not_counted():
    window = MovingWindow()
    assert window.hit((1, 5), 'x', now=0.0)
    for t in (1.0, 2.0, 3.0, 4.0):
        assert not window.hit((1, 5), 'x', now=t)
    assert window.hit((1, 5), 'x', now=5.0)  # refusals did not keep the window full


def test_a_burst_and_a_rate_on_one_key_are_separate_windows():
    window = MovingWindow()
    burst, rate = (2, 10), (3, 60)
    allowed = [window.hit(burst, 'k', now=t) and window.hit(rate, 'k', now=t) for t in (0.0, 1.0, 2.0, 11.0, 22.0)]
    assert allowed == [True, True, False, True, False]  # burst full at 2 s; at 22 s the minute holds 3


def test_idle_keys_are_swept_when_the_table_grows_and_active_ones_stay():
    window = MovingWindow(sweep_at=4)
    for person in range(4):
        window.hit((5, 1), 'e', person, now=0.0)
    window.hit((5, 1), 'e', 3, now=100.0)  # person 3 is still active
    window.hit((5, 1), 'e', 99, now=100.0)  # a new key: the table is full, so idle keys are swept first
    assert len(window) == 2


def test_a_hit_taken_back_frees_its_place_and_only_on_its_key():
    window = MovingWindow()
    assert window.hit((2, 10), 'say', 1, now=0.0)
    assert window.hit((2, 10), 'say', 1, now=1.0)
    assert not window.hit((2, 10), 'say', 1, now=2.0)
    window.take_back((2, 10), 'say', 1)  # the message of 1.0 was not stored after all
    window.take_back((2, 10), 'say', 2)  # nothing counted there: nothing happens
    window.take_back((5, 60), 'say', 1)  # another window of the key: untouched
    assert window.hit((2, 10), 'say', 1, now=2.0)
    assert not window.hit((2, 10), 'say', 1, now=3.0)
