"""Seed the vote benchmark: the demo data, ``n`` verified adult residents of 东湖社区, and open standalone votes.

``seed_voters(app, n) -> [user_ids]`` loads the demo data and inserts the residents in bulk (no Argon2 per user:
they never log in, the bench forges their session cookies). ``open_vote(app, kind)`` goes through the real
operations: the committee staff member prepares a standalone vote on the announced demo topic (electorate:
every adult of the community, frozen at the opening) and opens it. Each round gets its own vote, so the same
residents vote again.
"""

from datetime import timedelta

import sqlalchemy as sa

from bench.live.seed import STAFF
from bench.live.seed import TOPIC


def seed_voters(app, n: int) -> list[int]:
    from bench.live.seed import residents
    from consult.communities.models import Community
    from consult.db import db
    from consult.demo import demo_password
    from consult.demo import load_demo

    with app.app_context():
        load_demo(demo_password(app.instance_path))
        db.session.flush()
        community = db.session.scalar(sa.select(Community).where(Community.code == 'donghu'))
        user_ids = residents(community, n)
        db.session.commit()
        return user_ids


def open_vote(app, kind: str = 'motion', title: str = '加装电梯表决') -> tuple[int, int]:
    """A standalone vote of 东湖社区, open for two hours from now; ``(vote id, electorate size)``."""
    from consult.accounts.models import User
    from consult.db import db
    from consult.kernel.clock import utcnow
    from consult.topics.models import Topic
    from consult.votes import operations as vops

    with app.app_context(), app.test_request_context():
        staff = db.session.scalar(sa.select(User).where(User.mobile == STAFF))
        topic = db.session.scalar(sa.select(Topic).where(Topic.title == TOPIC))
        now = utcnow()
        vote = vops.create_vote(
            staff,
            topic,
            {
                'title': title,
                'kind': kind,
                'options': ['方案一', '方案二', '方案三', '方案四'],
                'rule_kind': 'residents_meeting',
                'electorate_mode': 'adults',
                'opens_at': now,
                'closes_at': now + timedelta(hours=2),
            },
        )
        vops.open_vote(None, vote)  # a standalone vote opens by itself at its opening time
        db.session.commit()
        result = vote.id, vote.electorate_size
        db.session.remove()
        return result


def options_of(kind: str) -> int:
    """How many options a ballot of ``kind`` chooses from (a motion: for, against, abstain)."""
    return 3 if kind == 'motion' else 4
