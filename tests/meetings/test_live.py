"""The live room's operations: sequence numbers, idempotent resends, rights, floor, moderation."""

import pytest
import sqlalchemy as sa

from consult.kernel.refusals import Refusal
from consult.meetings import live
from consult.meetings import roster
from consult.meetings import seats
from consult.meetings.models import MESSAGE_MAX
from consult.meetings.models import LiveMessage


def _messages(db, meeting):
    return list(
        db.session.execute(
            sa.select(LiveMessage.seq, LiveMessage.body)
            .where(LiveMessage.meeting_id == meeting.id)
            .order_by(LiveMessage.seq)
        ).all()
    )


def say(actor, meeting, body, client_id):
    """``live.say`` as ``actor``'s socket would call it: the stored message, and whether it is new."""
    from consult.db import db

    said = live.say(seats.seat_for(actor, meeting), body, client_id)
    message = db.session.scalar(
        sa.select(LiveMessage).where(LiveMessage.meeting_id == meeting.id, LiveMessage.seq == said.seq)
    )
    return message, not said.duplicate


def test_messages_get_consecutive_sequence_numbers_and_resends_are_not_stored_twice(db, cast, open_meeting):
    first, new = say(cast.resident, open_meeting, '<b>我赞成</b>方案二', 'a1')
    assert new
    assert first.seq == 1
    assert first.body == '我赞成方案二'
    _second, _new = say(cast.neighbour, open_meeting, '我反对', 'a1')  # another person, same client id
    again, new = say(cast.resident, open_meeting, '我赞成方案二', 'a1')
    assert not new
    assert again.seq == 1
    assert [seq for seq, _body in _messages(db, open_meeting)] == [1, 2]
    assert [m.seq for m in live.missed(open_meeting, 1)] == [2]


@pytest.mark.parametrize(
    ('body', 'client_id', 'code'),
    [
        ('', 'c1', 'empty'),
        ('   ', 'c1', 'empty'),
        ('x' * (MESSAGE_MAX + 1), 'c1', 'too_long'),
        (None, 'c1', 'bad_payload'),
        ({'a': 1}, 'c1', 'bad_payload'),
        ('hi', '', 'bad_payload'),
        ('hi', 'x' * 65, 'bad_payload'),
        ('hi', 'a b', 'bad_payload'),
        ('hi', 7, 'bad_payload'),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(db, cast, open_meeting, body, client_id, code):
    with pytest.raises(Refusal) as refused:
        say(cast.resident, open_meeting, body, client_id)
    assert refused.value.code == code
    assert _messages(db, open_meeting) == []


def test_exactly_the_size_limit_is_accepted(db, cast, open_meeting):
    message, _new = say(cast.resident, open_meeting, 'x' * MESSAGE_MAX, 'c1')
    assert len(message.body) == MESSAGE_MAX


def test_a_flood_is_rate_limited(db, cast, open_meeting):
    for n in range(10):
        say(cast.resident, open_meeting, f'消息{n}', f'f{n}')
    with pytest.raises(Refusal) as refused:
        say(cast.resident, open_meeting, '第十一条', 'f10')
    assert refused.value.code == 'rate_limited'
    say(cast.neighbour, open_meeting, '别人不受影响', 'g1')


def test_outsiders_cannot_speak_and_observers_only_with_the_floor(db, cast, make_meeting):
    from consult.meetings import operations as ops

    meeting = make_meeting()
    roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    ops.open_meeting(cast.director, meeting)
    with pytest.raises(Refusal) as refused:
        say(cast.outsider, meeting, '我也说', 'o1')
    assert refused.value.code == 'not_participant'
    with pytest.raises(Refusal) as refused:
        say(cast.deputy, meeting, '代表发言', 'd1')
    assert refused.value.code == 'no_floor'
    live.raise_hand(cast.deputy, meeting)
    with pytest.raises(Refusal) as refused:
        live.give_floor(cast.resident, meeting, cast.deputy.id, 3)
    assert refused.value.code == 'forbidden'
    turn = live.give_floor(cast.director, meeting, cast.deputy.id, 3)
    assert (turn.ends_at - turn.floor_at).total_seconds() == 180
    say(cast.deputy, meeting, '代表发言', 'd1')
    live.end_turn(cast.deputy, meeting)
    with pytest.raises(Refusal) as refused:
        say(cast.deputy, meeting, '再说一句', 'd2')
    assert refused.value.code == 'no_floor'


def test_speaker_queue(db, cast, open_meeting):
    from consult.meetings.queries import room_state

    live.raise_hand(cast.resident, open_meeting)
    with pytest.raises(Refusal) as refused:
        live.raise_hand(cast.resident, open_meeting)
    assert refused.value.code == 'duplicate'
    live.raise_hand(cast.neighbour, open_meeting)
    state = room_state(open_meeting)
    assert [p['id'] for p in state['queue']] == [cast.resident.id, cast.neighbour.id]
    for minutes in (0, 31, '3', True):
        with pytest.raises(Refusal):
            live.give_floor(cast.director, open_meeting, cast.resident.id, minutes)
    live.give_floor(cast.director, open_meeting, cast.resident.id, 30)
    live.give_floor(cast.director, open_meeting, cast.neighbour.id, 2)  # the previous turn ends
    state = room_state(open_meeting)
    assert state['speaker']['id'] == cast.neighbour.id
    assert state['queue'] == []
    with pytest.raises(Refusal):
        live.lower_hand(cast.neighbour2, open_meeting)


def test_mute_and_hide(db, cast, open_meeting):
    message, _new = say(cast.resident, open_meeting, '不当言论', 'm1')
    with pytest.raises(Refusal) as refused:
        live.hide_message(cast.neighbour, open_meeting, message.seq, '不当')
    assert refused.value.code == 'forbidden'
    with pytest.raises(Refusal) as refused:
        live.hide_message(cast.director, open_meeting, message.seq, '')
    assert refused.value.code == 'reason_required'
    live.hide_message(cast.director, open_meeting, message.seq, '人身攻击')
    db.session.commit()
    kept = db.session.get(LiveMessage, message.id)
    assert kept.body == '不当言论'
    assert kept.hidden_reason == '人身攻击'
    payload = live.message_payload(kept, cast.resident)
    assert payload.body == ''
    assert payload.hidden == '人身攻击'
    live.set_mute(cast.director, open_meeting, cast.resident.id, True, '刷屏')
    with pytest.raises(Refusal) as refused:
        say(cast.resident, open_meeting, '还想说', 'm2')
    assert refused.value.code == 'muted'
    live.set_mute(cast.director, open_meeting, cast.resident.id, False)
    say(cast.resident, open_meeting, '还想说', 'm2')


def test_agenda_items(db, cast, open_meeting):
    first, second = open_meeting.items
    assert open_meeting.current_item_id == first.id
    assert first.started_at is not None
    with pytest.raises(Refusal):
        live.start_item(cast.director, open_meeting, first.id)
    live.start_item(cast.director, open_meeting, second.id)
    assert first.ended_at is not None
    assert open_meeting.current_item_id == second.id
    with pytest.raises(Refusal):
        live.start_item(cast.director, open_meeting, 99999)


def test_presence_counts_people_not_sockets_and_lists_the_first_arrivals(db, cast, open_meeting, count_queries):
    from datetime import timedelta

    from consult.kernel.clock import utcnow
    from consult.meetings.models import Presence
    from consult.meetings.queries import PRESENCE_TTL
    from consult.meetings.queries import presence

    now = utcnow()
    arrivals = [cast.neighbour, cast.resident, cast.director, cast.staff]
    for minutes, person in enumerate(arrivals):
        db.session.add(
            Presence(
                sid=f's{person.id}',
                meeting_id=open_meeting.id,
                user_id=person.id,
                seen_at=now - timedelta(seconds=60 - minutes),
            )
        )
    # a second tab of the first arrival, and a socket gone quiet for longer than the presence lifetime
    db.session.add(Presence(sid='tab2', meeting_id=open_meeting.id, user_id=cast.neighbour.id, seen_at=now))
    db.session.add(
        Presence(sid='gone', meeting_id=open_meeting.id, user_id=cast.minor.id, seen_at=now - 2 * PRESENCE_TTL)
    )
    db.session.flush()

    with count_queries() as counter:
        count, people = presence(open_meeting, limit=2)
    assert counter.count == 2  # the people with their names and the count, then their badges
    assert count == 4
    assert [p['id'] for p in people] == [cast.neighbour.id, cast.resident.id]
    assert people[0]['name'] == cast.neighbour.display_name
    assert {p['badge'] for p in people} == {'resident'}

    count, people = presence(open_meeting, limit=10)
    assert count == 4
    assert [p['id'] for p in people] == [p.id for p in arrivals]
    assert people[2]['badge'] == 'chair'
