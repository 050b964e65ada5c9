"""Seed the live-room benchmark: one OPEN online meeting with ``n`` verified adult residents on its roster.

``seed(app, n) -> (meeting_id, [user_ids])``. Loads the demo data (东湖社区, its committee and the announced
demo topic), inserts ``n`` verified adult residents of 东湖社区 in bulk (no Argon2 per user: they never log in, the
bench forges their session cookies), then goes through the real operations: schedule an online meeting on the
announced topic, build the roster from the criteria (adults), send notice and materials 30 days back (so the
rule set's notice and materials periods have passed), and open it as the chair.
"""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa

LONG_AGO = timedelta(days=30)
TOPIC = '老旧小区改造方案征求意见'  # the demo topic confirmed by the Party organisation and announced
STAFF, DIRECTOR = '13800000004', '13800000005'


def residents(community, n: int) -> list[int]:
    """Insert ``n`` verified adult residents of ``community`` in bulk (mobiles 137...); their ids."""
    from consult.accounts.models import User
    from consult.communities.models import Building
    from consult.communities.models import Grid
    from consult.communities.models import Household
    from consult.db import db
    from consult.kernel.clock import utcnow
    from consult.residency.models import Membership
    from consult.residency.models import MembershipStatus
    from consult.residency.models import VerificationMethod
    from consult.security import hash_password

    password = hash_password('bench-participants-never-log-in')
    db.session.execute(
        sa.insert(User),
        [
            {
                'mobile': f'137{k:08d}',
                'password_hash': password,
                'display_name': f'参会居民{k}',
                'real_name': f'参会居民{k}',
                'birth_date': date(1980, 1, 1) + timedelta(days=k % 3000),
            }
            for k in range(n)
        ],
    )
    ids = db.session.scalars(sa.select(User.id).where(User.mobile.like('137%')).order_by(User.id)).all()
    households = db.session.execute(
        sa.select(Household.id, Grid.id)
        .select_from(Household)
        .join(Building, Building.id == Household.building_id)
        .join(Grid, Grid.id == Building.grid_id)
        .where(Grid.community_id == community.id)
    ).all()
    now = utcnow()
    db.session.execute(
        sa.insert(Membership),
        [
            {
                'user_id': user_id,
                'household_id': households[k % len(households)][0],
                'community_id': community.id,
                'grid_id': households[k % len(households)][1],
                'status': MembershipStatus.VERIFIED,
                'method': VerificationMethod.STAFF,
                'claimed_at': now - LONG_AGO,
                'decided_at': now - LONG_AGO,
            }
            for k, user_id in enumerate(ids)
        ],
    )
    return list(ids)


def seed(app, n: int) -> tuple[int, list[int]]:
    from consult.accounts.models import User
    from consult.communities.models import Community
    from consult.db import db
    from consult.demo import demo_password
    from consult.demo import load_demo
    from consult.kernel.clock import utcnow
    from consult.meetings import operations as ops
    from consult.meetings import roster
    from consult.topics.models import Topic

    with app.app_context():
        load_demo(demo_password(app.instance_path))
        db.session.flush()
        community = db.session.scalar(sa.select(Community).where(Community.code == 'donghu'))
        staff = db.session.scalar(sa.select(User).where(User.mobile == STAFF))
        director = db.session.scalar(sa.select(User).where(User.mobile == DIRECTOR))
        topic = db.session.scalar(sa.select(Topic).where(Topic.title == TOPIC))
        topic.publicity_ends_at = utcnow() - LONG_AGO
        user_ids = residents(community, n)
        meeting = ops.schedule(
            staff,
            topic,
            {
                'title': '改造方案线上议事会',
                'kind': 'residents_meeting',
                'form': 'online',
                'starts_at': utcnow() + timedelta(minutes=5),
                'place': '',
                'chair_id': director.id,
                'secretary_id': staff.id,
                'agenda': '方案介绍 | 10\n讨论 | 60',
            },
        )
        roster.build_from_criteria(staff, meeting, 'adults', False)
        ops.add_material(staff, meeting, '改造方案', '三个方案的说明')
        ops.send_notice(staff, meeting, now=utcnow() - LONG_AGO)
        ops.send_materials(staff, meeting, now=utcnow() - LONG_AGO)
        ops.open_meeting(director, meeting)
        db.session.commit()
        return meeting.id, user_ids
