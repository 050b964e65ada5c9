"""Property: no path of the topic machine reaches IMPLEMENTING or FEEDBACK_GIVEN without RESULT_PUBLISHED.

Checked twice on the transition table as the app builds it (every context's steps, the use-of-results ones
too): exhaustively (remove RESULT_PUBLISHED and search from DRAFT), and by random walks of steps (hypothesis)
that record whether they went through RESULT_PUBLISHED before reaching either state. Both states are reachable
through RESULT_PUBLISHED, so the check is not empty.
"""

from collections import deque

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consult.topics.states import TRANSITIONS

START = 'draft'
PUBLISHED = 'result_published'
AFTER = ('implementing', 'feedback_given')


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for transition in TRANSITIONS.values():
        for source in transition.sources:
            edges.setdefault(str(source), set()).add(str(transition.target))
    return edges


def _reachable(edges, start: str, without: str | None = None) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        for target in edges.get(state, ()):
            if target != without and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_implementation_is_reached_only_through_publication(app):
    edges = _edges()
    assert 'implementing' in _reachable(edges, START)  # the step exists (through publication)
    for state in _reachable(edges, START, without=PUBLISHED):
        assert state not in AFTER, f'{state} is reachable without {PUBLISHED}'


def test_every_way_into_publication_is_the_publish_step(app):
    into = {
        t.action for t in TRANSITIONS.values() if str(t.target) == PUBLISHED and PUBLISHED not in map(str, t.sources)
    }
    assert into == {'publish'}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60))
def test_random_walks_pass_through_publication(app, choices):
    edges = {state: sorted(targets) for state, targets in _edges().items()}
    state, published = START, False
    for choice in choices:
        targets = edges.get(state)
        if not targets:
            break
        state = targets[choice % len(targets)]
        published = published or state == PUBLISHED
        if state in AFTER:
            assert published, f'reached {state} without {PUBLISHED}'
