import sqlalchemy as sa

from consult.accounts.models import User
from consult.communities.models import CentralCommunity
from consult.communities.models import Community
from consult.demo import ACCOUNTS
from consult.demo import load_demo
from consult.roles.models import Role
from consult.roles.permissions import has_role


def test_demo_data_has_the_longgang_shape_and_one_account_per_role(db):
    assert load_demo('demo-password-1') is True
    assert db.session.scalar(sa.select(sa.func.count(CentralCommunity.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Community.id))) == 4
    for role, mobile, *_ in ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.mobile == mobile))
        assert user is not None
        if role != 'resident':
            assert has_role(user, Role(role)), role
    assert {str(r) for r, *_ in ACCOUNTS} == {'resident'} | {str(r) for r in Role}


def test_demo_load_is_idempotent(db):
    load_demo('demo-password-1')
    users = db.session.scalar(sa.select(sa.func.count(User.id)))
    assert load_demo('demo-password-1') is False
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users


def test_demo_password_is_generated_not_committed(tmp_path):
    from consult.demo import demo_password

    first = demo_password(str(tmp_path))
    assert len(first) >= 10
    assert demo_password(str(tmp_path)) == first


def test_the_demo_minor_is_a_verified_resident_but_on_no_roster_as_a_voting_resident(db):
    from consult.meetings.models import VOTING_KINDS
    from consult.meetings.models import Participant
    from consult.residency.eligibility import active_membership
    from consult.residency.eligibility import is_adult

    load_demo('demo-password-1')
    child = db.session.scalar(sa.select(User).where(User.mobile == '13800000014'))
    assert not is_adult(child)
    assert active_membership(child) is not None
    voters = db.session.scalars(
        sa.select(User)
        .join(Participant, Participant.user_id == User.id)
        .where(Participant.kind.in_([str(k) for k in VOTING_KINDS]))
    ).all()
    assert voters
    assert child not in voters
    assert all(is_adult(user) for user in voters)


def test_demo_has_a_published_result_in_its_objection_window_with_an_answered_objection(db):
    from consult.disclosure.models import Objection
    from consult.disclosure.public import public_record
    from consult.kernel.clock import utcnow
    from consult.topics.models import Topic

    load_demo('demo-password-1')
    topic = db.session.scalar(sa.select(Topic).where(Topic.status == 'result_published'))
    record = public_record(topic.id)
    assert record.publication.objection_ends_at > utcnow()
    assert [o.answer for o in record.objections] == ['not_upheld']
    assert db.session.scalar(sa.select(sa.func.count(Objection.id)).where(Objection.answered_at.is_(None))) == 0
