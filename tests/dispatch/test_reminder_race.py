"""Two reminder sweeps at once on PostgreSQL (two timers, or a timer and a hand run) remind a department once."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.dispatch import operations
from consult.dispatch.models import DispatchTicket
from consult.dispatch.sweeps import remind_due
from consult.kernel.clock import utcnow
from consult.notifications.models import Notification
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics import operations as topics
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together

pytestmark = postgres_only
RACERS = 4


def _official(session, mobile: str, role: Role, **scope) -> User:
    user = User(
        mobile=mobile,
        password_hash=support.password_hash(),
        display_name=mobile,
        real_name=mobile,
        birth_date=date(1980, 1, 1),
    )
    session.add(user)
    session.flush()
    session.add(RoleGrant(user_id=user.id, role=str(role), reason='test', **scope))
    session.flush()
    return user


def _ticket_due_soon(app) -> tuple[int, int]:
    """A dispatched item of community A due in an hour; returns (ticket id, the department member's id)."""
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix='reminder-race')
        session.commit()
        resident = session.get(User, committed_residents(session, place.a, place.households(place.a), 1, '1371')[0])
        director = _official(session, '13720000001', Role.COMMITTEE_DIRECTOR, community_id=place.a.id)
        member = _official(session, '13720000002', Role.DEPARTMENT, department_id=place.department.id)
        topic = topics.create_draft(
            director,
            place.a,
            'counter',
            {'title': '路灯损坏', 'body': '门前路灯不亮', 'declared_not_excluded': True},
            originator=resident,
        )
        topics.submit_topic(director, topic)
        ticket = operations.propose_dispatch(director, topic, place.department, 'simple', '部门法定职责')
        ticket.deadline_at = utcnow() + timedelta(hours=1)
        session.commit()
        result = ticket.id, member.id
        _db.session.remove()
        return result


def test_racing_sweeps_remind_once(app, engine):  # noqa: F811
    ticket_id, member_id = _ticket_due_soon(app)

    def step(_index: int) -> int:
        reminded = remind_due(utcnow())
        _db.session.commit()
        return len(reminded)

    assert sorted(run_together(app, RACERS, step)) == [0] * (RACERS - 1) + [1]
    with Session(engine) as session:
        told = session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == 'ticket_due', Notification.user_id == member_id)
        ).all()
        assert told == [member_id]
        assert session.get(DispatchTicket, ticket_id).due_reminded_for is not None
