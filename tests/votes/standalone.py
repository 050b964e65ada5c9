"""A standalone online vote with many committed voters, for the race tests and the benchmark (PostgreSQL)."""

from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import User
from consult.db import db as _db
from consult.kernel.clock import utcnow
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics import operations as topic_ops
from consult.topics.models import SourceChannel
from consult.topics.models import Topic
from consult.votes import operations as vops
from tests import support
from tests.races import committed_residents
from tests.topics.conftest import CONTENT


def standalone_vote(app, voters: int, prefix: str, suffix: str, kind: str = 'motion', **data) -> tuple[int, list[int]]:
    """An open standalone vote of community A whose electorate is ``voters`` verified adults; ``(vote id, voter ids)``.

    The topic is put in consultation directly (its earlier steps are tested elsewhere).
    """
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix=suffix)
        session.commit()
        people = committed_residents(session, place.a, place.households(place.a), voters + 1, prefix)
        staff = session.get(User, people[0])
        session.add(RoleGrant(user_id=staff.id, role=str(Role.COMMITTEE_STAFF), reason='test', community_id=place.a.id))
        topic = topic_ops.create_draft(staff, place.a, SourceChannel.ONLINE, CONTENT)
        # The staff member submitted as a resident; take them out of the electorate (they run the vote).
        from consult.residency.models import Membership

        session.execute(sa.delete(Membership).where(Membership.user_id == staff.id))
        session.flush()
        session.execute(sa.update(Topic).where(Topic.id == topic.id).values(status='in_consultation'))
        session.expire_all()
        topic = session.get(Topic, topic.id)
        now = utcnow()
        vote = vops.create_vote(
            staff,
            topic,
            {
                'title': '并发表决',
                'kind': kind,
                'options': ['甲', '乙', '丙', '丁'],
                'max_choices': 2,
                'rule_kind': 'residents_meeting',
                'electorate_mode': 'adults',
                'opens_at': now,
                'closes_at': now + timedelta(hours=2),
                **data,
            },
        )
        vops.open_vote(None, vote)
        session.commit()
        result = vote.id, people[1:]
        _db.session.remove()
        return result


def staff_of(vote_id: int) -> User:
    from consult.votes.models import Vote

    vote = _db.session.get(Vote, vote_id)
    return vote.created_by
