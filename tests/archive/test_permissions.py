"""Role x state for every archive action: staff assemble the bundle, the director approves archiving and carries
out a destruction, everyone else sees the public part read-only (the role table's ARCHIVED column)."""

import pytest
from flask_login import AnonymousUserMixin

from consult.archive.models import Appraisal
from consult.kernel.actions import may
from consult.topics.models import TopicStatus

STATES = [str(state) for state in TopicStatus]
COMMITTEE = {'staff', 'director'}
ROLES = (
    'anonymous',
    'resident',
    'neighbour',
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
EVERYONE = set(ROLES)
ARCHIVABLE = ('feedback_given', 'withdrawn', 'rejected', 'merged')
PUBLISHED = ('result_published', 'reported_to_gov', 'implementing', 'feedback_given', 'archived')
#: Action -> {state: roles allowed}; states not listed: nobody. ``archive.destroy`` is asked of an appraisal.
EXPECTED = {
    'archive.view': dict.fromkeys((*ARCHIVABLE, 'archived'), EVERYONE),
    'archive.waive': dict.fromkeys(ARCHIVABLE, COMMITTEE),
    'topic.archive': {s: {'director'} for s in ARCHIVABLE},
    'archive.appraise': {'archived': COMMITTEE},
    'archive.destroy': {'archived': {'director'}},
    'archive.download': dict.fromkeys(PUBLISHED, EVERYONE),
}


@pytest.fixture
def topic(db, make_topic):
    return make_topic('legality_reviewed')


@pytest.mark.parametrize('action', sorted(EXPECTED))
def test_archive_action_by_role_and_state(db, cast, topic, action):
    people = {'anonymous': AnonymousUserMixin(), **{role: getattr(cast, role) for role in ROLES[1:]}}
    subject = topic
    if action == 'archive.destroy':
        subject = Appraisal(topic=topic, item_key='objections', members=[], reason='期满', by_id=cast.staff.id)
    wrong = []
    for state in STATES:
        topic.status = state
        allowed = EXPECTED[action].get(state, set())
        for role in ROLES:
            if may(people[role], action, subject) != (role in allowed):
                wrong.append(f'{role} {state}')
    db.session.rollback()
    assert not wrong, wrong
