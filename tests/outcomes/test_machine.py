"""The topic machine's table, walked: no path reaches a publishable result or leaves a pending vote otherwise."""

from consult.notifications.operations import KIND_LABELS
from consult.outcomes import guards as g
from consult.topics import states
from consult.topics.models import STATUS_LABELS
from consult.topics.models import TopicStatus as S

MACHINE = states.MACHINE
#: The steps of this issue and the steps into consultation they extend.
STEPS = ('legality_pass', 'legality_fail', 'legality_needs_vote', 'vote_passed', 'vote_failed', 'vote_quorum_failed')


def _guards(action: str) -> tuple:
    return (*MACHINE.transitions[action].guards, *MACHINE._ext(action).guards)


def test_a_result_is_ready_to_publish_only_after_the_legality_check_or_a_passed_deciding_vote(app):
    into = {a for a, t in MACHINE.transitions.items() if t.target == S.LEGALITY_REVIEWED}
    assert into == {'legality_pass', 'vote_passed'}
    assert g.no_vote_skipped in _guards('legality_pass')
    assert g.opinion_ready in _guards('legality_pass')
    assert g.deciding_vote_passed in _guards('vote_passed')


def test_not_adopted_only_by_a_deciding_vote(app):
    into = {a for a, t in MACHINE.transitions.items() if t.target == S.CLOSED_NOT_ADOPTED}
    assert into == {'vote_failed'}
    assert g.deciding_vote_failed in _guards('vote_failed')


def test_a_pending_vote_is_left_only_by_a_deciding_votes_result(app):
    leaving = {a for a, t in MACHINE.transitions.items() if S.PENDING_VOTE in t.sources}
    assert leaving == {'vote_passed', 'vote_failed', 'vote_quorum_failed'}
    for action in leaving:
        assert MACHINE.transitions[action].system
        assert not MACHINE.taken_by_people(action), action
    assert g.deciding_vote_quorum_failed in _guards('vote_quorum_failed')
    into = {a for a, t in MACHINE.transitions.items() if t.target == S.PENDING_VOTE}
    assert into == {'legality_needs_vote', 'vote_quorum_failed'}
    assert g.matter_named in _guards('legality_needs_vote')


def test_an_opinion_formed_is_left_only_by_its_legality_check(app):
    leaving = {a for a, t in MACHINE.transitions.items() if S.OPINION_FORMED in t.sources}
    assert leaving == {'legality_pass', 'legality_fail', 'legality_needs_vote'}
    for action in leaving:
        assert g.opinion_ready in _guards(action)


def test_a_returned_topic_goes_back_into_consultation(app):
    leaving = {a: t.target for a, t in MACHINE.transitions.items() if S.RETURNED in t.sources}
    assert leaving == {'open_session': S.IN_CONSULTATION, 'open_comments': S.IN_CONSULTATION}


def test_every_step_is_told_in_words_and_every_state_reads_well(app):
    for action in STEPS:
        assert action in states.ACTION_LABELS
        assert action in KIND_LABELS  # notifications' kinds
    for state in (S.OPINION_FORMED, S.LEGALITY_REVIEWED, S.RETURNED, S.PENDING_VOTE, S.CLOSED_NOT_ADOPTED):
        assert str(STATUS_LABELS[state]) != state.name.title()
