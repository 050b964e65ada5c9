"""One path for a chat message: a socket seated in the room and an unseated one get the same answers.

A socket that joined the open room keeps a seat (``seats.Seat``) and its messages skip every lookup before
the statement; one that joined before the session opened has none until it speaks. Each test runs both ways
and expects the same acknowledgements, so the two cannot drift apart again.
"""

import pytest
import sqlalchemy as sa

from consult.meetings import checkin
from consult.meetings import live
from consult.meetings import operations as ops
from consult.meetings import roster
from consult.meetings import seats
from consult.meetings.models import LiveMessage
from consult.roles.models import Role


def join(sio, meeting):
    return sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': 0}, callback=True)


def said(sio, meeting, body, client_id):
    """The acknowledgement, reduced to what must not differ between the two ways: a seq or a refusal code."""
    ack = sio.emit('meeting:say', {'meeting': meeting.id, 'body': body, 'client_id': client_id}, callback=True)
    return (ack['seq'], ack['duplicate']) if ack['ok'] else ack['code']


class Lookups(list):
    """The people whose seat was looked up in the database, and whether sockets keep their seats."""

    seated = True


@pytest.fixture(params=['seated', 'unseated'])
def lookups(request, monkeypatch):
    """Run the test with seated sockets, then with sockets never seated (as if all joined before the opening)."""
    calls = Lookups()
    calls.seated = request.param == 'seated'
    if not calls.seated:
        monkeypatch.setattr(seats, 'take', lambda sid, seat: None)
    seat_for = seats.seat_for

    def counted(user, meeting):
        calls.append(user.id)
        return seat_for(user, meeting)

    monkeypatch.setattr(seats, 'seat_for', counted)
    return calls


def _close(db, cast, meeting):
    checkin.mark_present(cast.staff, meeting, cast.resident)
    ops.save_minutes(cast.staff, meeting, '记录', 0)
    ops.close_meeting(cast.director, meeting, 'no_consensus', '再议')
    db.session.commit()


def test_a_member_gets_the_same_answers_seated_or_not(db, cast, open_meeting, sockets, lookups):
    a = sockets(cast.resident)
    join(a, open_meeting)
    lookups.clear()
    answers = [said(a, open_meeting, '第一句', 'm1'), said(a, open_meeting, '第一句', 'm1')]
    live.set_mute(cast.director, open_meeting, cast.resident.id, True, '刷屏')
    db.session.commit()
    answers += [said(a, open_meeting, '被禁言后', 'm2'), said(a, open_meeting, '第一句', 'm1')]
    live.set_mute(cast.director, open_meeting, cast.resident.id, False)
    db.session.commit()
    answers += [
        said(a, open_meeting, '解除后', 'm3'),
        said(a, open_meeting, '<b></b>', 'm4'),
        said(a, open_meeting, 'x' * 100_000, 'm5'),
        said(a, open_meeting, '好', 'a b'),
    ]
    _close(db, cast, open_meeting)
    answers += [said(a, open_meeting, '散会后', 'm6'), said(a, open_meeting, '第一句', 'm1')]
    assert answers == [
        (1, False),
        (1, True),  # a resend
        'muted',
        (1, True),  # a resend is answered even while muted
        (2, False),
        'empty',
        'too_long',
        'bad_payload',
        'not_open',
        'not_open',  # a closed meeting refuses resends too
    ]
    assert [b for (b,) in db.session.execute(sa.select(LiveMessage.body).order_by(LiveMessage.seq))] == [
        '第一句',
        '解除后',
    ]
    assert (lookups == []) is lookups.seated  # the seated socket read no seat while it spoke


def test_an_observer_gets_the_same_answers_seated_or_not(db, cast, make_meeting, sockets, lookups):
    meeting = make_meeting()
    roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    ops.open_meeting(cast.director, meeting)
    db.session.commit()
    deputy, chair = sockets(cast.deputy), sockets(cast.director)
    join(deputy, meeting)
    join(chair, meeting)
    answers = [said(deputy, meeting, '我想发言', 'd1')]
    deputy.emit('meeting:hand', {'meeting': meeting.id}, callback=True)
    chair.emit('meeting:floor', {'meeting': meeting.id, 'user': cast.deputy.id, 'minutes': 2}, callback=True)
    answers += [said(deputy, meeting, '我想发言', 'd1'), said(deputy, meeting, '我想发言', 'd1')]
    chair.emit('meeting:end_turn', {'meeting': meeting.id}, callback=True)
    answers += [said(deputy, meeting, '还有一点', 'd2'), said(deputy, meeting, '我想发言', 'd1')]
    assert answers == ['no_floor', (1, False), (1, True), 'no_floor', (1, True)]


def test_someone_in_the_room_but_off_the_roster_may_not_post(
    db, cast, open_meeting, sockets, make_user, grant, lookups
):
    clerk = make_user()
    grant(clerk, Role.COMMITTEE_STAFF, community=cast.place.a)  # may enter the room, is not on the roster
    db.session.commit()
    c = sockets(clerk)
    assert join(c, open_meeting)['ok']
    assert said(c, open_meeting, '我也说一句', 'c1') == 'not_participant'
    assert db.session.scalar(sa.select(sa.func.count(LiveMessage.id))) == 0


def _built_again():
    seats._bump.cache_clear()
    seats._bump_and_insert.cache_clear()


@pytest.fixture
def no_resend_check(monkeypatch):
    """The message statement without its check for a resend, as if the twin committed after the check ran."""
    monkeypatch.setattr(seats, '_unsent', lambda said: sa.true())
    _built_again()
    yield
    monkeypatch.undo()
    _built_again()


def test_two_identical_resends_at_once_store_one_message(db, cast, open_meeting, sockets, lookups, no_resend_check):
    a = sockets(cast.resident)
    join(a, open_meeting)
    assert said(a, open_meeting, '只存一次', 'twin') == (1, False)
    # The twin committed after this statement's check ran: only the unique key sees it.
    assert said(a, open_meeting, '只存一次', 'twin') == (1, True)
    assert said(a, open_meeting, '下一句', 'next') == (2, False)  # the failed attempt left no gap
    assert db.session.scalar(sa.select(sa.func.count(LiveMessage.id))) == 2
