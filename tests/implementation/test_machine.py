"""The use-of-results steps in the topic machine's table: no path reaches them without the published result."""

from consult.topics import states
from consult.topics.models import TopicStatus as S


def test_no_path_reaches_the_use_of_results_without_publication():
    """Walk the table from DRAFT with RESULT_PUBLISHED taken out: REPORTED_TO_GOV, IMPLEMENTING and FEEDBACK_GIVEN
    stay out of reach (domain.md rule 26: publishing is a state no topic skips)."""
    edges = {}
    for transition in states.TRANSITIONS.values():
        for source in transition.sources:
            edges.setdefault(str(source), set()).add(str(transition.target))
    seen, todo = set(), [str(S.DRAFT)]
    while todo:
        state = todo.pop()
        if state in seen or state == S.RESULT_PUBLISHED:
            continue
        seen.add(state)
        todo.extend(edges.get(state, ()))
    assert not seen & {S.REPORTED_TO_GOV, S.IMPLEMENTING, S.FEEDBACK_GIVEN}


def test_the_steps_leave_and_reach_the_states_of_domain_md():
    table = {a: (set(t.sources), str(t.target)) for a, t in states.TRANSITIONS.items()}
    assert table['gov_reply'] == ({S.REPORTED_TO_GOV}, S.IMPLEMENTING)
    assert table['gov_reply_not_adopted'] == ({S.REPORTED_TO_GOV}, S.FEEDBACK_GIVEN)
    assert table['complete_implementation'] == ({S.IMPLEMENTING}, S.FEEDBACK_GIVEN)
    assert table['cannot_implement'] == ({S.IMPLEMENTING}, S.FEEDBACK_GIVEN)
    for action in ('gov_reply', 'gov_reply_not_adopted', 'complete_implementation', 'cannot_implement'):
        assert action in states.ELSEWHERE  # taken on their own pages, with their own forms
        assert action in states.ACTION_LABELS
