"""Role x state matrix: every transition, from every state a topic can be in, by every role.

A step succeeds exactly when the state is one it leaves and the role may take it; otherwise it is refused
and nothing changes (no status change, no timeline entry).
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.outcomes.queries import current_opinion
from consult.topics import states
from consult.topics.models import TopicEvent
from tests.topics.conftest import CONFIRM
from tests.topics.conftest import end_publicity

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
STATES = [
    'draft',
    'submitted',
    'screening',
    'escalated',
    'announced',
    'in_consultation',
    'deferred',
    'opinion_formed',
    'returned',
    'pending_vote',
    'legality_reviewed',
    'rejected',
    'withdrawn',
    'redirected',
]
COMMITTEE = {'staff', 'director'}
#: Who leads a session step: the committee or the Party organisation (the chair of a meeting too, tested in
#: tests/meetings).
SESSION_LEADS = COMMITTEE | {'party'}
# Topics are submitted by staff at the counter on behalf of ``resident``, so staff are the submitter.
EXPECTED = {
    'submit': {'draft': {'staff'}},
    'accept': {'submitted': COMMITTEE},
    'reject': {'submitted': COMMITTEE},
    'merge': {'submitted': COMMITTEE},
    # A whistle is signed off by the principal leader only (domain.md rule 28): the director, not staff.
    'redirect': {'submitted': {'director'}},
    'confirm': {'screening': {'party'}},
    'refuse': {'screening': {'party'}},
    'escalate': {'screening': {'party'}},
    'take_up': {'escalated': {'joint'}},
    'withdraw': {state: {'staff'} for state in ('draft', 'submitted', 'screening', 'escalated')},
    'withdraw_by_committee': dict.fromkeys(('submitted', 'screening', 'escalated', 'announced'), COMMITTEE),
    'open_session': dict.fromkeys(('announced', 'deferred', 'returned'), SESSION_LEADS),
    'form_opinion': {'in_consultation': SESSION_LEADS},
    'defer': {'in_consultation': SESSION_LEADS},
    'reschedule': {'in_consultation': SESSION_LEADS},
    # The announced topic's publicity period is over (see the test); in_consultation has a summarised period.
    'open_comments': dict.fromkeys(('announced', 'in_consultation', 'returned'), COMMITTEE),
    'conclude_comments': {'in_consultation': COMMITTEE},
    # The legality check: the committee, but not the submitter (staff) nor the resident it is for (rule 25).
    'legality_pass': {'opinion_formed': {'director'}},
    'legality_fail': {'opinion_formed': {'director'}},
    'legality_needs_vote': {'opinion_formed': {'director'}},
    # Only the system takes a deciding vote's result (tests/outcomes/test_deciding_vote.py).
    'vote_passed': {},
    'vote_failed': {},
    'vote_quorum_failed': {},
    # The use of results leaves REPORTED_TO_GOV and IMPLEMENTING only (by role: tests/implementation).
    'gov_reply': {},
    'gov_reply_not_adopted': {},
    'complete_implementation': {},
    'cannot_implement': {},
    # Disclosure: the director signs off the publication staff prepared (prepared in the test); an objection is
    # upheld only with its answer (tests/disclosure); the window's steps are the system's.
    'publish': {'legality_reviewed': {'director'}},
    'uphold_objection': {},
    'close_window': {},
    'report_to_gov': {},
    # The archive: the director approves filing a record staff assembled (a withdrawn draft's missing submission
    # record waived in the test); FEEDBACK_GIVEN by role: tests/archive.
    'archive': {'rejected': {'director'}, 'withdrawn': {'director'}},
}


def test_expected_covers_every_transition():
    assert set(EXPECTED) == set(states.TRANSITIONS) - {'queue'}


def _data(action, other):
    if action == 'confirm':
        return CONFIRM
    if action == 'merge':
        return {'target': other}
    if action == 'redirect':
        return {'department': _department(other), 'kind': 'simple'}
    if action == 'open_comments':
        return {'days': 14}
    if action == 'legality_fail':
        return {'law': '《城市居民委员会组织法》第十五条'}
    if action == 'legality_needs_vote':
        return {'matter': 'compact'}
    return {}


def _department(topic):
    from consult.dispatch.queries import departments_serving

    return departments_serving(topic.community_id)[0]


@pytest.mark.parametrize('state', STATES)
@pytest.mark.parametrize('action', sorted(EXPECTED))
def test_transition_by_role_and_state(db, cast, make_topic, action, state):
    topic = make_topic(state)
    if action == 'open_session':  # its guard (publicity over) is tested at its boundary in tests/meetings
        topic.publicity_ends_at = utcnow() - timedelta(seconds=1)
    if state == 'announced':
        end_publicity(topic)
        db.session.commit()
    if state == 'opinion_formed':  # the comment period's draft, with the consensus stated by the committee
        current_opinion(topic.id).consensus = True
        db.session.commit()
    if action == 'publish' and state == 'legality_reviewed':
        from consult.disclosure.operations import prepare_publication

        prepare_publication(cast.staff, topic, '')
        db.session.commit()
    if action == 'archive' and state == 'withdrawn':
        from consult.archive.operations import waive

        waive(cast.staff, topic, 'submission', '草稿阶段即撤回，未提交审查')
        db.session.commit()
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
