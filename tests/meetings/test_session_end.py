"""Issue 11 (2): a socket seated in the live room stops speaking when its login session ends.

Before, a socket joined before a password change kept its seat (``seats.Seat``, cached at join) and its
``meeting:say`` answered ok and stored the message; ``meeting:hand`` raised ``AttributeError``.
"""

import sqlalchemy as sa

from consult import socket_ends
from consult.accounts.models import LoginSession
from consult.meetings import seats
from consult.meetings.models import LiveMessage
from consult.meetings.models import Presence
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.support import PASSWORD


def _messages(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(LiveMessage.id)))


def test_password_change_elsewhere_ends_the_seated_socket(app, db, cast, open_meeting, sockets):
    sio = sockets(cast.resident)
    assert sio.emit('meeting:join', {'meeting': open_meeting.id, 'last_seq': 0}, callback=True)['ok']
    assert any(seat.user_id == cast.resident.id for seat in seats._seats.values())
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Presence).where(Presence.user_id == cast.resident.id))
        == 1
    )
    laptop = app.test_client()
    AuthActions(laptop).login(cast.resident)
    response = laptop.post(
        '/account/password',
        data={
            'current': PASSWORD,
            'password': 'brand-new-pass-2',
            'confirm': 'brand-new-pass-2',
            'csrf_token': csrf_token(laptop, '/account/password'),
        },
    )
    assert response.status_code == 302
    assert not sio.is_connected()
    assert not any(seat.user_id == cast.resident.id for seat in seats._seats.values())
    db.session.expire_all()
    presence = sa.select(sa.func.count()).select_from(Presence).where(Presence.user_id == cast.resident.id)
    assert db.session.scalar(presence) == 0  # the room's disconnect handler ran: the person left the room


def test_a_seated_socket_whose_session_ended_unheard_cannot_speak(db, cast, open_meeting, sockets, monkeypatch):
    """The ending did not reach this process (the queue down): the periodic check still stops the fast path."""
    sio = sockets(cast.resident)
    assert sio.emit('meeting:join', {'meeting': open_meeting.id, 'last_seq': 0}, callback=True)['ok']
    before = _messages(db)
    db.session.execute(
        sa.update(LoginSession).where(LoginSession.user_id == cast.resident.id).values(revoked_at=sa.func.now())
    )
    db.session.commit()
    monkeypatch.setattr(socket_ends, 'RECHECK_SECONDS', -1.0)
    ack = sio.emit('meeting:say', {'meeting': open_meeting.id, 'body': '还在吗', 'client_id': 'late'}, callback=True)
    assert ack['code'] == 'session_ended'
    assert not sio.is_connected()
    assert _messages(db) == before
