"""Role x state for the use-of-results actions: who may take each, in each state after the result is published."""

from datetime import timedelta

import pytest

from consult.implementation.models import Feedback
from consult.kernel.actions import may
from consult.kernel.clock import utcnow

STATES = ('result_published', 'reported_to_gov', 'implementing', 'feedback_given', 'archived')
COMMITTEE = {'staff', 'director'}
ADULT_RESIDENTS = {'resident', 'neighbour', 'neighbour2', 'representative'}
#: Action -> {state: roles allowed}; states not listed: nobody.
EXPECTED = {
    'topic.gov_reply': {'reported_to_gov': {'department'}},
    'topic.gov_reply_not_adopted': {'reported_to_gov': {'department'}},
    'topic.complete_implementation': {'implementing': {'director'}},
    'topic.cannot_implement': {'implementing': {'director'}},
    'implementation.manage': {s: COMMITTEE | {'grid_worker'} for s in ('implementing', 'feedback_given')},
    'implementation.add_task': {'implementing': COMMITTEE},
    # Verified adults of the community: not the minor, the outsider of B, or officials who do not live there.
    'implementation.rate': {'feedback_given': ADULT_RESIDENTS},
    'implementation.correct': {s: {'department'} for s in STATES[:4]},
}
ROLES = (
    'resident',
    'neighbour',
    'neighbour2',
    'minor',
    'outsider',
    'stranger',
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
)


@pytest.fixture
def topic(db, cast, make_topic):
    """A checked result the department entrusted, with its feedback row (states are set directly below)."""
    topic = make_topic('legality_reviewed')
    topic.entrusting_department_id = cast.place.department.id
    now = utcnow()
    db.session.add(
        Feedback(
            topic_id=topic.id,
            kind='completed',
            text='已完成',
            by_id=cast.director.id,
            at=now,
            rating_ends_at=now + timedelta(days=15),
        )
    )
    db.session.commit()
    return topic


@pytest.mark.parametrize('action', sorted(EXPECTED))
def test_action_by_role_and_state(db, cast, topic, action):
    wrong = []
    for state in STATES:
        topic.status = state
        allowed = EXPECTED[action].get(state, set())
        for role in ROLES:
            if may(getattr(cast, role), action, topic) != (role in allowed):
                wrong.append(f'{role} {state}')
    assert not wrong, wrong


def test_task_actions_by_role_and_owner(db, cast, implementing, make_task):
    committee_task = make_task(implementing)
    grid_task = make_task(implementing, 'grid', grid_id=cast.place.a.grids[0].id)
    for task, allowed in ((committee_task, COMMITTEE), (grid_task, COMMITTEE | {'grid_worker'})):
        for action in ('implementation.update', 'implementation.complete_task'):
            assert {r for r in ROLES if may(getattr(cast, r), action, task)} == allowed, (task.owner, action)
    implementing.status = 'feedback_given'
    assert not [r for r in ROLES if may(getattr(cast, r), 'implementation.update', grid_task)]
