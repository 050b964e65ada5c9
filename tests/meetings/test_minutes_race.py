"""The chair signs the minutes off from several tabs at once on PostgreSQL: one signature, one document."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.db import db as _db
from consult.kernel.clock import utcnow
from consult.meetings import checkin
from consult.meetings import minutes
from consult.meetings import operations as ops
from consult.meetings import roster
from consult.meetings.minutes_models import SignedMinutes
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingEvent
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics import operations as topics
from consult.topics import states
from consult.web import attempt
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together
from tests.topics.conftest import CONFIRM
from tests.topics.conftest import CONTENT
from tests.topics.conftest import end_publicity

pytestmark = postgres_only
RACERS = 6
LONG_AGO = timedelta(days=30)


def _official(session, place, role, prefix: str) -> User:
    [user_id] = committed_residents(session, place.a, place.households(place.a), 1, prefix)
    session.add(RoleGrant(user_id=user_id, role=str(role), reason='race', community_id=place.a.id))
    session.flush()
    return session.get(User, user_id)


def _setup(app) -> tuple[int, int]:
    """A closed meeting of community A with minutes, committed for real; its id and its chair's."""
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix='minutesrace')
        session.commit()
        session.expire_all()
        director = _official(session, place, Role.COMMITTEE_DIRECTOR, '1677')
        staff = _official(session, place, Role.COMMITTEE_STAFF, '1678')
        party = _official(session, place, Role.PARTY_ORG, '1679')
        resident = session.get(User, committed_residents(session, place.a, place.households(place.a), 1, '1676')[0])
        topic = topics.create_draft(staff, place.a, 'counter', CONTENT, originator=resident)
        topics.submit_topic(staff, topic)
        states.apply(topic, 'accept', staff)
        states.apply(topic, 'confirm', party, **CONFIRM)
        end_publicity(topic)
        meeting = ops.schedule(
            staff,
            topic,
            {
                'title': '并发签批',
                'kind': 'deliberative_council',
                'form': 'online',
                'starts_at': utcnow() + timedelta(days=12),
                'chair_id': director.id,
                'secretary_id': staff.id,
                'agenda': '讨论 | 30',
            },
        )
        roster.build_from_criteria(staff, meeting, 'adults', False)
        ops.add_material(staff, meeting, '方案', '内容')
        ops.send_notice(staff, meeting, now=utcnow() - LONG_AGO)
        ops.send_materials(staff, meeting, now=utcnow() - LONG_AGO)
        ops.open_meeting(director, meeting)
        checkin.mark_present(staff, meeting, resident)
        ops.save_minutes(staff, meeting, '记录', 0)
        ops.close_meeting(director, meeting, 'no_consensus', '再议')
        session.commit()
        result = meeting.id, director.id
        _db.session.remove()
        return result


def test_concurrent_sign_offs_leave_one_signature(app, engine):  # noqa: F811
    meeting_id, chair_id = _setup(app)

    def step(index: int) -> str:
        meeting = _db.session.get(Meeting, meeting_id)
        _signed, refusal = attempt(minutes.sign_minutes, _db.session.get(User, chair_id), meeting)
        return 'signed' if refusal is None else refusal.code

    outcomes = run_together(app, RACERS, step)
    assert sorted(outcomes) == ['already_signed'] * (RACERS - 1) + ['signed']
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).where(SignedMinutes.meeting_id == meeting_id)) == 1
        signed = session.scalar(sa.select(SignedMinutes).where(SignedMinutes.meeting_id == meeting_id))
        assert session.get(Meeting, meeting_id).minutes_signed_at == signed.signed_at
        logged = session.scalar(
            sa.select(sa.func.count()).where(
                MeetingEvent.meeting_id == meeting_id, MeetingEvent.action == 'minutes_signed'
            )
        )
        audited = session.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.action == 'meeting.minutes_signed',
                AuditEntry.details['meeting_id'].as_integer() == meeting_id,
            )
        )
        assert (logged, audited) == (1, 1)
