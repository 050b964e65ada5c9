"""Issue 11 (2): ending a session ends its sockets at once; a socket whose session ended is told so.

Real sockets (Flask-SocketIO's test client on the real server object, no message queue: one process). The
two-process case, through the Redis queue, is ``tests/live/test_session_end.py``.
"""

import sqlalchemy as sa
from flask import g

from consult import socket_ends
from consult.accounts.models import LoginSession
from consult.extensions import socketio
from consult.roles.models import Role
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.support import PASSWORD


def _socket(app, user):
    browser = app.test_client()
    AuthActions(browser).login(user)
    sio = socketio.test_client(app, flask_test_client=browser, auth={'csrf_token': csrf_token(browser)})
    assert sio.is_connected()
    sio.get_received()
    return browser, sio


def test_password_change_disconnects_the_other_sessions_sockets(app, db, make_user):
    user = make_user()
    _phone, phone_socket = _socket(app, user)
    laptop, laptop_socket = _socket(app, user)
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
    assert not phone_socket.is_connected()
    assert laptop_socket.is_connected()  # this device goes on


def test_logout_disconnects_this_sessions_sockets_only(app, db, make_user):
    user = make_user()
    _phone, phone_socket = _socket(app, user)
    laptop, laptop_socket = _socket(app, user)
    AuthActions(laptop).logout()
    assert not laptop_socket.is_connected()
    assert phone_socket.is_connected()


def test_log_out_other_devices_disconnects_their_sockets(app, db, make_user):
    user = make_user()
    _phone, phone_socket = _socket(app, user)
    laptop, _laptop_socket = _socket(app, user)
    laptop.post('/account/sessions/others', data={'csrf_token': csrf_token(laptop, '/account/sessions')})
    assert not phone_socket.is_connected()


def test_revoking_a_role_disconnects_the_users_sockets(app, db, place, make_user, grant):
    admin, expert = make_user(), make_user()
    grant(admin, Role.ADMIN)
    row = grant(expert, Role.EXPERT, community=place.a)
    _browser, expert_socket = _socket(app, expert)
    staff = app.test_client()
    AuthActions(staff).login(admin)
    response = staff.post(
        f'/roles/{row.id}/revoke', data={'reason': 'term over', 'csrf_token': csrf_token(staff, '/roles/')}
    )
    assert response.status_code == 302
    assert not expert_socket.is_connected()


def test_an_event_after_the_session_ended_is_answered_session_ended(app, db, make_user, monkeypatch):
    """The session ends where this process does not hear of it (as if the queue were late): the event at the
    next check of the socket's login gets ``session_ended`` and the socket is closed, not an
    ``AttributeError``. Between two checks an event uses the person its socket's last check found (no statement):
    an ending that is heard disconnects at once (above), one that is not is found within ``RECHECK_SECONDS``."""
    user = make_user()
    _browser, sio = _socket(app, user)
    db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id).values(revoked_at=sa.func.now()))
    db.session.commit()
    g.__dict__.clear()
    ack = sio.emit('meeting:hand', {'meeting': 1}, callback=True)  # reads current_user.id first thing
    assert ack['code'] == 'not_in_room'  # the person as connecting checked it, a moment ago
    monkeypatch.setattr(socket_ends, 'RECHECK_SECONDS', -1.0)
    g.__dict__.clear()
    ack = sio.emit('meeting:hand', {'meeting': 1}, callback=True)
    assert ack['code'] == 'session_ended'
    assert not sio.is_connected()


def test_a_socket_whose_session_ended_is_checked_again_within_the_recheck_time(app, db, make_user, monkeypatch):
    user = make_user()
    _browser, sio = _socket(app, user)
    db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id).values(revoked_at=sa.func.now()))
    db.session.commit()
    monkeypatch.setattr(socket_ends, 'RECHECK_SECONDS', -1.0)
    g.__dict__.clear()
    sio.emit('leave_topic', {'topic_id': 1})  # reads no user: only the periodic check finds the end
    assert not sio.is_connected()


def test_a_live_session_is_not_disturbed_by_the_check(app, db, make_user, monkeypatch):
    user = make_user()
    _browser, sio = _socket(app, user)
    monkeypatch.setattr(socket_ends, 'RECHECK_SECONDS', -1.0)
    g.__dict__.clear()
    ack = sio.emit('meeting:ping', {'meeting': 1}, callback=True)
    assert ack['code'] == 'not_in_room'
    assert sio.is_connected()


def test_a_residence_that_ends_disconnects_the_users_sockets(app, db, place, make_resident):
    from consult.residency import operations

    resident = make_resident(place.households(place.a)[0])
    _browser, sio = _socket(app, resident)
    membership = operations.claim_residence(resident, place.households(place.b)[0])
    operations.verify(membership, None, 'staff')  # moved: the residence in community A ends
    db.session.commit()
    assert not sio.is_connected()
