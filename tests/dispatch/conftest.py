"""Fixtures for dispatch tests: the topic cast, a second department, and tickets at each status."""

import pytest

from consult.communities.models import Department
from consult.dispatch import operations
from consult.roles.models import Role
from tests.topics import conftest as topic_fixtures

# The topic tests' cast and topic factory, shared (pytest finds fixtures by name in this module).
cast = topic_fixtures.cast
english = topic_fixtures.english
make_topic = topic_fixtures.make_topic


@pytest.fixture
def other_department(db, place, make_user, grant):
    """A department serving community B only, with one member."""
    department = Department(city_id=place.department.city_id, name='其他局', communities=[place.b])
    db.session.add(department)
    db.session.commit()
    member = make_user()
    grant(member, Role.DEPARTMENT, department=department)
    return department, member


@pytest.fixture
def make_ticket(db, cast, make_topic):
    """Factory: a ticket for a new queued topic of community A brought to ``status``."""

    def make(status='dispatched', kind='simple'):
        topic = make_topic('submitted')
        ticket = operations.propose_dispatch(cast.staff, topic, cast.place.department, kind, '属于部门法定职责')
        if status == 'proposed':
            db.session.commit()
            return ticket
        operations.sign_off(cast.director, ticket)
        if status in ('reported', 'handling', 'closed'):
            operations.report(cast.department, ticket)
        if status in ('handling', 'closed'):
            operations.post_progress(cast.department, ticket, '已到现场查看')
        if status == 'closed':
            operations.close(cast.department, ticket, '已修复路灯')
        db.session.commit()
        return ticket

    return make
