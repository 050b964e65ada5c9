"""Role x state matrix: every transition, from every state a topic can be in, by every role.

A step succeeds exactly when the state is one it leaves and the role may take it; otherwise it is refused
and nothing changes (no status change, no timeline entry).
"""

import pytest
import sqlalchemy as sa

from consult.refusals import Refusal
from consult.topics import states
from consult.topics.models import TopicEvent
from tests.topics.conftest import CONFIRM

ROLES = [
    'resident',
    'neighbour',
    'representative',
    'grid_worker',
    'staff',
    'director',
    'party',
    'joint',
    'department',
    'deputy',
    'staff_b',
    'party_b',
    'outsider',
    'stranger',
]
STATES = ['draft', 'submitted', 'screening', 'escalated', 'announced', 'rejected', 'withdrawn']
COMMITTEE = {'staff', 'director'}
# Topics are submitted by staff at the counter on behalf of ``resident``, so staff are the submitter.
EXPECTED = {
    'submit': {'draft': {'staff'}},
    'accept': {'submitted': COMMITTEE},
    'reject': {'submitted': COMMITTEE},
    'merge': {'submitted': COMMITTEE},
    'confirm': {'screening': {'party'}},
    'refuse': {'screening': {'party'}},
    'escalate': {'screening': {'party'}},
    'take_up': {'escalated': {'joint'}},
    'withdraw': {state: {'staff'} for state in ('draft', 'submitted', 'screening', 'escalated')},
    'withdraw_by_committee': dict.fromkeys(('submitted', 'screening', 'escalated', 'announced'), COMMITTEE),
}


def test_expected_covers_every_transition():
    assert set(EXPECTED) == set(states.TRANSITIONS) - {'queue'}


def _data(action, other):
    if action == 'confirm':
        return CONFIRM
    if action == 'merge':
        return {'target': other}
    return {}


@pytest.mark.parametrize('state', STATES)
@pytest.mark.parametrize('action', sorted(EXPECTED))
def test_transition_by_role_and_state(db, cast, make_topic, action, state):
    topic = make_topic(state)
    other = make_topic('submitted')
    allowed = EXPECTED[action].get(state, set())
    for role in ROLES:
        actor = getattr(cast, role)
        before = db.session.scalar(sa.select(sa.func.count()).where(TopicEvent.topic_id == topic.id))
        savepoint = db.session.begin_nested()
        refusal = None
        try:
            states.apply(topic, action, actor, reason='matrix', **_data(action, other))
        except Refusal as exc:
            refusal = exc
        moved_to = topic.status
        savepoint.rollback()
        db.session.expire_all()
        if refusal is not None:
            assert role not in allowed, f'{role} refused {action} from {state}: {refusal}'
            assert refusal.code in ('wrong_state', 'forbidden')
            assert topic.status == state
            after = db.session.scalar(sa.select(sa.func.count()).where(TopicEvent.topic_id == topic.id))
            assert after == before
        else:
            assert role in allowed, f'{role} took {action} from {state}'
            assert moved_to == states.TRANSITIONS[action].target
