"""A socket's person is read when it connects and at each check of its login, not on every event (issue 16).

A thousand people opening a room each connect and join at once; the join read the person and their roles again
right after the connect had. Between two checks of the socket's login (``RECHECK_SECONDS``) an event now uses
the person as the last check found them; ending a login or a role disconnects the sockets at once
(``tests/accounts/test_session_sockets.py``), and the check finds an ending that was not heard.
"""

import re

from consult import socket_ends


def join(sio, meeting):
    return sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': 0, 'latest': True}, callback=True)


def _tables(statements) -> list[str]:
    return [re.search(r'\bFROM\s+(\w+)', s).group(1) for s in statements if s.lstrip().startswith('SELECT')]


def _grant_reads(statements) -> int:
    """Statements reading role grants: on their own, or joined to the meeting's read (a join)."""
    return sum(1 for s in statements if s.lstrip().startswith('SELECT') and re.search(r'\brole_grants\b', s))


def test_events_between_checks_read_neither_the_person_nor_their_roles_again(
    db, cast, open_meeting, sockets, count_queries
):
    staff = sockets(cast.staff)
    meeting_id = open_meeting.id
    db.session.expunge_all()  # each socket event starts with an empty session, as in production
    with count_queries() as counted:
        assert staff.emit('meeting:join', {'meeting': meeting_id, 'last_seq': 0}, callback=True)['ok']
        db.session.expunge_all()
        assert staff.emit('meeting:presence', {'meeting': meeting_id}, callback=True)['ok']
        db.session.expunge_all()
        assert staff.emit('meeting:presence', {'meeting': meeting_id}, callback=True)['ok']
    tables = _tables(counted.statements)
    assert 'users' not in tables
    assert 'login_sessions' not in tables
    assert _grant_reads(counted.statements) == 1  # the first event's, kept for the socket


def test_the_check_reads_the_person_and_their_roles_again(db, cast, open_meeting, sockets, count_queries, monkeypatch):
    staff = sockets(cast.staff)
    assert join(staff, open_meeting)['ok']
    monkeypatch.setattr(socket_ends, 'RECHECK_SECONDS', -1.0)  # every event is a check
    meeting_id = open_meeting.id
    db.session.expunge_all()
    with count_queries() as counted:
        assert staff.emit('meeting:join', {'meeting': meeting_id, 'last_seq': 0}, callback=True)['ok']
        db.session.expunge_all()
        assert staff.emit('meeting:join', {'meeting': meeting_id, 'last_seq': 0}, callback=True)['ok']
    tables = _tables(counted.statements)
    assert tables.count('users') == 2  # the login, with its session, at each check
    assert _grant_reads(counted.statements) == 2


def test_a_socket_that_leaves_is_forgotten(db, cast, open_meeting, sockets):
    before = set(socket_ends._people)
    resident = sockets(cast.resident)
    assert join(resident, open_meeting)['ok']
    (sid,) = set(socket_ends._people) - before
    assert sid in socket_ends._memos  # its roles, kept by the join
    resident.disconnect()
    assert sid not in socket_ends._people
    assert sid not in socket_ends._memos
