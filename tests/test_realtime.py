"""Socket authentication and emit-after-commit, through Flask-SocketIO's test client.

Real websockets against a real server are in tests/live/.
"""

from consult.extensions import db as _db
from consult.kernel.rooms import user_room
from consult.realtime import ResidencyDecided
from consult.realtime import emit_after_commit


def test_anonymous_socket_is_refused(socket_client):
    sio = socket_client(auth={})
    assert not sio.is_connected()


def test_logged_in_socket_without_csrf_token_is_refused(auth, make_user, socket_client):
    auth.login(make_user())
    assert not socket_client(auth={}).is_connected()
    assert not socket_client(auth={'csrf_token': 'forged'}).is_connected()


def test_logged_in_socket_is_welcomed(auth, make_user, socket_client):
    user = make_user()
    auth.login(user)
    sio = socket_client()
    assert sio.is_connected()
    [event] = [e for e in sio.get_received() if e['name'] == 'welcome']
    assert event['args'][0] == {'user_id': user.id, 'display_name': user.display_name}


def test_decision_is_pushed_to_the_resident_after_commit(
    client, auth, csrf, db, place, make_user, grant, socket_client
):
    from consult.residency import operations
    from consult.roles.models import Role

    resident = make_user()
    membership = operations.claim_residence(resident, place.households(place.a)[0])
    db.session.commit()
    auth.login(resident)
    sio = socket_client()
    sio.get_received()
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    operations.verify(membership, staff, 'staff')
    assert [e for e in sio.get_received() if e['name'] == 'residency_decided'] == []  # not before commit
    db.session.commit()
    [event] = [e for e in sio.get_received() if e['name'] == 'residency_decided']
    assert event['args'][0] == {'membership_id': membership.id, 'status': 'verified', 'community': place.a.name}


def test_rolled_back_work_emits_nothing(auth, db, make_user, socket_client):
    user = make_user()
    auth.login(user)
    sio = socket_client()
    sio.get_received()
    emit_after_commit(ResidencyDecided(membership_id=1, status='verified', community='x'), user_room(user.id))
    _db.session.rollback()
    _db.session.commit()
    assert sio.get_received() == []


def test_a_released_savepoint_sends_nothing_until_the_commit(auth, db, make_user, socket_client):
    """SQLAlchemy calls after_commit when a SAVEPOINT is released (co-signing queues the topic inside one): a page
    told "changed" before the outer commit reloaded and showed the old state (seen in a browser test)."""
    user = make_user()
    auth.login(user)
    sio = socket_client()
    sio.get_received()
    emit_after_commit(ResidencyDecided(membership_id=1, status='verified', community='x'), user_room(user.id))
    with _db.session.begin_nested():
        pass
    assert sio.get_received() == []
    _db.session.commit()
    assert [event['name'] for event in sio.get_received()] == ['residency_decided']


def test_other_users_do_not_receive_private_events(app, client, auth, csrf, db, make_user, socket_client):
    from consult.extensions import socketio

    alice = make_user()
    bob = make_user()
    auth.login(bob)
    sio = socket_client()
    sio.get_received()
    emit_after_commit(ResidencyDecided(membership_id=1, status='verified', community='x'), user_room(alice.id))
    _db.session.commit()
    assert sio.get_received() == []
    assert socketio is not None


def test_a_failing_event_answers_with_an_error_event_and_stays_connected(app, auth, make_user, socket_client):
    from consult.extensions import socketio

    def boom(data):
        raise RuntimeError('deliberately broken handler')

    socketio.on_event('test_boom', boom)
    try:
        auth.login(make_user())
        sio = socket_client()
        sio.get_received()
        sio.emit('test_boom', {'x': 1})
        [event] = sio.get_received()
        assert event['name'] == 'error'
        assert event['args'][0]['code'] == 'server_error'
        assert 'deliberately' not in event['args'][0]['message']
        assert sio.is_connected()
    finally:
        socketio.server.handlers['/'].pop('test_boom', None)
