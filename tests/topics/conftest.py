"""Fixtures for topic tests: a cast of people in community A, topics at each state, rule set tweaks."""

from datetime import date
from datetime import timedelta

import pytest
from flask_babel import force_locale

from consult.comments import operations as comments
from consult.kernel.clock import utcnow
from consult.outcomes import operations as outcomes
from consult.roles.models import Role
from consult.rules.defaults import default_params
from consult.rules.engine import Condition
from consult.rules.engine import Threshold
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus
from consult.topics import operations
from consult.topics import states
from consult.topics.models import SourceChannel

CONTENT = {
    'title': '加装电梯',
    'body': '**3号楼**需要电梯',
    'declared_not_excluded': True,
    'categories': ['public_affairs'],
}


class Cast:
    def __init__(self, **people):
        self.__dict__.update(people)


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(), force_locale('en'):
        yield


@pytest.fixture
def cast(db, place, make_user, make_resident, grant):
    """Residents and role holders of community A (and one outsider in B)."""
    homes = place.households(place.a)
    people = {
        'resident': make_resident(homes[0]),
        'neighbour': make_resident(homes[1]),
        'neighbour2': make_resident(homes[2]),
        'minor': make_resident(homes[3], birth_date=date.today().replace(year=date.today().year - 10)),
        'outsider': make_resident(place.households(place.b)[0]),
        'stranger': make_user(),
    }
    for name, role, kwargs in [
        ('representative', Role.REPRESENTATIVE, {'community': place.a}),
        ('grid_worker', Role.GRID_WORKER, {'community': place.a}),
        ('staff', Role.COMMITTEE_STAFF, {'community': place.a}),
        ('director', Role.COMMITTEE_DIRECTOR, {'community': place.a}),
        ('party', Role.PARTY_ORG, {'community': place.a}),
        ('joint', Role.JOINT_PARTY_COMMITTEE, {'central_community': place.central}),
        ('department', Role.DEPARTMENT, {'department': place.department}),
        ('deputy', Role.NPC_DEPUTY, {'community': place.a}),
        ('staff_b', Role.COMMITTEE_STAFF, {'community': place.b}),
        ('party_b', Role.PARTY_ORG, {'community': place.b}),
    ]:
        user = make_resident(homes[4 + len(people)]) if role == Role.REPRESENTATIVE else make_user()
        grant(user, role, **kwargs)
        people[name] = user
    return Cast(place=place, **people)


@pytest.fixture
def cosign_rule(db, place):
    """Replace community A's co-sign threshold: ``cosign_rule(Threshold)`` publishes version 2 in force."""

    def set_threshold(threshold: Threshold):
        params = default_params()
        params['cosign'] = threshold.to_list()
        rules = RuleSet(
            community_id=place.a.id,
            version=2,
            effective_from=date(2024, 1, 1),
            status=RuleSetStatus.CONFIRMED,
            params=params,
        )
        db.session.add(rules)
        db.session.commit()
        return rules

    return set_threshold


def at_least(n: int) -> Threshold:
    return Threshold.all_of(Condition('signatures', '>=', n, 1, 'one'))


@pytest.fixture
def make_topic(db, cast):
    """Factory: a topic of community A brought to ``state`` along the normal path (committed)."""

    def make(state='draft', submitter=None, channel=SourceChannel.COUNTER, originator=None, **content):
        submitter = submitter or cast.staff
        if channel in (SourceChannel.COUNTER, SourceChannel.HOTLINE, SourceChannel.ONSITE_COLLECTION):
            originator = originator or cast.resident
        topic = operations.create_draft(submitter, cast.place.a, channel, {**CONTENT, **content}, originator=originator)
        path = {
            'draft': [],
            'submitted': ['submit'],
            'screening': ['submit', 'accept'],
            'escalated': ['submit', 'accept', 'escalate'],
            'announced': ['submit', 'accept', 'confirm'],
            'in_consultation': ['submit', 'accept', 'confirm', 'comments'],
            'opinion_formed': ['submit', 'accept', 'confirm', 'comments', 'conclude'],
            'deferred': ['submit', 'accept', 'confirm', 'comments', 'defer'],
            # After the opinion (consult.outcomes): recorded by the committee, then checked for legality.
            'legality_reviewed': [*_FORMED, 'opinion', 'legality_pass'],
            'returned': [*_FORMED, 'opinion', 'legality_fail'],
            'pending_vote': [*_FORMED, 'opinion', 'legality_needs_vote'],
            'rejected': ['submit', 'reject'],
            'withdrawn': ['withdraw'],
            'redirected': ['submit', 'redirect'],
        }[state]
        for action in path:
            if action == 'submit':
                operations.submit_topic(submitter, topic)
            elif action == 'withdraw':
                states.apply(topic, 'withdraw', submitter)
            elif action == 'accept':
                states.apply(topic, 'accept', cast.staff)
            elif action == 'reject':
                states.apply(topic, 'reject', cast.staff, reason='不属于协商范围')
            elif action == 'redirect':
                states.apply(
                    topic,
                    'redirect',
                    cast.director,
                    reason='部门法定职责',
                    department=cast.place.department,
                    kind='simple',
                )
            elif action == 'escalate':
                states.apply(topic, 'escalate', cast.party, reason='涉及两个社区')
            elif action == 'confirm':
                states.apply(topic, 'confirm', cast.party, **CONFIRM)
            elif action == 'publicity_over':
                topic.publicity_ends_at = utcnow() - timedelta(seconds=1)
            elif action == 'open_session':
                states.apply(topic, 'open_session', cast.staff)
            elif action == 'defer':
                states.apply(topic, 'defer', cast.staff, reason='未形成共识')
            elif action == 'comments':
                run_comment_period(topic, cast.staff)
            elif action == 'conclude':
                comments.conclude(cast.staff, topic)
            elif action == 'opinion':
                outcomes.record_opinion(_checker(cast, topic), topic, True, '同意加装电梯。')
            elif action.startswith('legality_'):
                result = action.removeprefix('legality_')
                outcomes.check_legality(_checker(cast, topic), topic, result, **LEGALITY[result])
        db.session.commit()
        return topic

    return make


_FORMED = ('submit', 'accept', 'confirm', 'comments', 'conclude')
#: What each legality result needs besides itself.
LEGALITY = {
    'pass': {},
    'fail': {'law': '《城市居民委员会组织法》第十五条', 'reason': '与居民公约的备案规定相抵触'},
    'needs_vote': {'matter': 'fund_raising'},
}


def _checker(cast, topic):
    """Who records the opinion and its legality check: the director, or staff when the director submitted it."""
    return cast.staff if topic.submitted_by_id == cast.director.id else cast.director


CONFIRM = {
    'categories': ['public_affairs'],
    'participant_scope': '3号楼全体住户、物业服务企业',
    'form': 'onsite',
    'form_reason': '涉及楼栋住户，现场协商便于沟通',
}


def end_publicity(topic) -> None:
    """Date the announcement back so the topic's publicity period ended a second ago."""
    topic.publicity_ends_at = utcnow() - timedelta(seconds=1)
    topic.announced_at = topic.publicity_ends_at - timedelta(days=3)


def run_comment_period(topic, staff) -> None:
    """Open a comment period on an announced topic, close it early and summarise it (IN_CONSULTATION)."""
    end_publicity(topic)
    comments.open_period(staff, topic, 14)
    comments.close_early(staff, topic, '意见已充分')
    comments.write_summary(staff, topic, '多数居民**赞成**。')
