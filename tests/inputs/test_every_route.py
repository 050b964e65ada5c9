"""Bad input to every route and every socket event: never a 500, never a ``server_error``.

Out-of-range and 25-digit integers, NUL characters, lone surrogates and absurd dates go into every path
parameter, a query string of every argument the routes read, and every field of the forms each route builds,
as an anonymous visitor and as a committee director of the community who also chairs and keeps the minutes
of an open meeting (CSRF tokens included, so the forms are really processed). Every socket event the server
registered gets malformed payloads from a real Socket.IO test client in the meeting's room.

PostgreSQL refuses what SQLite lets through (an integer beyond 32 bits), so CI runs this on both.
"""

import re
from collections import defaultdict
from urllib.parse import quote

import pytest

from consult.comments import operations as comments
from consult.dispatch import operations as dispatch
from consult.extensions import limiter
from consult.extensions import socketio
from consult.forms import Form
from consult.meetings import operations as meetings
from consult.meetings import roster
from consult.meetings import seats
from consult.petitions.operations import start_petition
from consult.residency.operations import claim_residence
from consult.roles.models import Role
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.topics.conftest import end_publicity

HUGE = '9' * 25
INTS = [str(2**31), str(2**63), HUGE]
TEXTS = ['\x00', 'a\x00b', HUGE]
#: Every query argument a route reads.
QUERY_KEYS = [
    'page',
    'per_page',
    'comments_page',
    'q',
    'status',
    'community',
    'category',
    'community_id',
    'building',
    'waiting',
    'open',
    'revoked',
    'code',
    'next',
    'identifier',
    'topic',
    'meeting',
    'on',
]
QUERY_VALUES = [HUGE, str(2**31), '-1', '\x00', '%ED%A0%80']
FIELD_VALUES = [HUGE, str(2**31), '-99999999999', '\x00', '0001-01-01T00:00', '9999-12-31T23:59', '0001-01-01']
#: Fields read from ``request.form`` without a form class.
PLAIN_FIELDS = [
    'withdraw',
    'decision',
    'stance',
    'parent_id',
    'community_id',
    'choice',
    'for',
    'channel',
    'rank-0',
    'next',
]
#: Routes that build their form only with these query arguments: the member's requests to them carry them.
ROUTE_QUERIES = {'votes.create': 'topic={meeting_topic_id}&meeting={meeting_id}'}
_PARAM = re.compile(r'<(?:(\w+):)?(\w+)>')


@pytest.fixture
def world(db, cast, make_topic, make_meeting, make_user, make_resident, grant):
    """Something behind each id a route takes, and a director of the community who may reach most routes.

    A topic in its comment period with a comment; an open meeting the director chairs and minutes, with an
    added participant and a request to join, and an open vote in it, with a closed one; a petition; a pending
    residence claim; an expert's grant; a ticket signed off to the department.
    """
    place, director = cast.place, cast.director
    for role in (Role.COMMITTEE_STAFF, Role.PARTY_ORG):
        grant(director, role, community=place.a)
    grant(director, Role.ADMIN)
    topic = make_topic('announced')
    end_publicity(topic)
    comments.open_period(cast.staff, topic, 14)
    comment = comments.post_comment(cast.staff, topic, '意见', 'for')
    meeting = make_meeting(secretary_id=director.id)
    participant = roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    homes = place.households(place.a)
    join = roster.request_to_join(make_resident(homes[-2]), meeting, '我住隔壁')
    meetings.open_meeting(director, meeting)
    vote = _vote(director, meeting)
    petition = start_petition(cast.resident, place.a, '请愿', '召开居民会议')
    claim = claim_residence(make_user(), homes[-1])
    expert = grant(make_user(), Role.EXPERT, community=place.a)
    ticket = dispatch.propose_dispatch(cast.staff, make_topic('submitted'), place.department, 'simple', '部门职责')
    dispatch.sign_off(director, ticket)
    db.session.commit()
    values = {
        'topic_id': topic.id,
        'meeting_id': meeting.id,
        'comment_id': comment.id,
        'user_id': director.id,
        'participant_id': participant.id,
        'request_id': join.id,
        'petition_id': petition.id,
        'membership_id': claim.id,
        'grant_id': expert.id,
        'ticket_id': ticket.id,
        'vote_id': vote.id,
        'meeting_topic_id': meeting.topic_id,
        'community_id': place.a.id,
        'code': place.a.code,
        'number': 1,
        'action': 'accept',
    }
    return director, meeting, values


def _vote(director, meeting):
    """An open motion in ``meeting``, after a closed one (its result and published lists): the sweep reaches both."""
    from consult.votes import operations as votes
    from consult.votes.closing import close_vote

    data = {'title': '表决', 'kind': 'motion', 'minutes': 30}
    closed = votes.create_vote(director, meeting.topic, data, meeting=meeting)
    votes.open_vote(director, closed)
    close_vote(director, closed)
    vote = votes.create_vote(director, meeting.topic, data, meeting=meeting)
    votes.open_vote(director, vote)
    return vote


def _path(rule, values, bad=None) -> str:
    """The rule's path with valid values, or with ``bad`` (name, value) in one parameter (percent-encoded)."""

    def fill(match):
        name = match.group(2)
        value = bad[1] if bad is not None and bad[0] == name else values.get(name, 1)
        return quote(str(value), safe='')

    return _PARAM.sub(fill, rule.rule)


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in ('static', 'socketio') and not r.websocket]


class _Sweep:
    """Send requests, remember every 500 with what caused it."""

    def __init__(self, client, token):
        self.client, self.token, self.failures, self.sent = client, token, [], 0

    def send(self, method, path, query=b'', data=None):
        self.sent += 1
        kwargs = {'query_string': query} if query else {}
        if method == 'POST':
            kwargs['data'] = {**(data or {}), 'csrf_token': self.token}
        response = self.client.open(path, method=method, **kwargs)
        if response.status_code >= 500:
            self.failures.append((method, path, query, data, response.status_code))
        return response


def _sweep_rule(sweep, rule, values, fields=None):
    methods = sorted(rule.methods & {'GET', 'POST'})
    params = _PARAM.findall(rule.rule)
    for converter, name in params:
        for value in INTS if converter == 'int' else TEXTS:
            for method in methods:
                sweep.send(method, _path(rule, values, (name, value)))
    path = _path(rule, values)
    for value in QUERY_VALUES:
        encoded = value if value.startswith('%') else quote(value, safe='')
        sweep.send('GET' if 'GET' in methods else 'POST', path, '&'.join(f'{k}={encoded}' for k in QUERY_KEYS))
    if 'POST' not in methods:
        return
    names = sorted((fields or set()) | set(PLAIN_FIELDS))
    query = _route_query(rule, values) if fields is not None else ''
    for value in FIELD_VALUES:
        sweep.send('POST', path, query, data=dict.fromkeys(names, value))
    if fields:
        for name in sorted(fields):
            for value in FIELD_VALUES:
                sweep.send('POST', path, query, data={name: value})


def _route_query(rule, values) -> str:
    return ROUTE_QUERIES.get(rule.endpoint, '').format(**values)


def _isolated(db):
    """Run each route's requests in a SAVEPOINT rolled back afterwards.

    One route's step then leaves the next route's objects as they were (a meeting cancelled by one route would
    hide the minutes' form from the routes after it).
    """
    from contextlib import contextmanager

    @contextmanager
    def scope():
        connection = db.engines[None]
        db.session.remove()  # the next session's SAVEPOINTs nest inside this one
        savepoint = connection.begin_nested()
        try:
            yield
        finally:
            db.session.remove()
            savepoint.rollback()
            limiter.reset()
            seats.reset()

    return scope


@pytest.fixture
def form_fields(monkeypatch):
    """Record the fields of every form a request builds, by endpoint."""
    from flask import request

    seen = defaultdict(set)
    original = Form.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen[request.endpoint].update(name for name in self._fields if name != 'csrf_token')

    monkeypatch.setattr(Form, '__init__', recording)
    return seen


def test_no_route_fails_on_bad_input(app, db, world, form_fields):
    director, _, values = world
    scope = _isolated(db)
    anonymous = app.test_client()
    anonymous_sweep = _Sweep(anonymous, csrf_token(anonymous, '/account/login'))
    member = app.test_client()
    AuthActions(member).login(director)
    member_sweep = _Sweep(member, csrf_token(member))
    for rule in _rules(app):
        with scope():
            _sweep_rule(anonymous_sweep, rule, values)
        if rule.endpoint == 'accounts.logout':
            continue
        with scope():
            # A first plain request shows which forms the route builds; then every field of them is fuzzed.
            for method in sorted(rule.methods & {'GET', 'POST'}):
                member_sweep.send(method, _path(rule, values), _route_query(rule, values))
            _sweep_rule(member_sweep, rule, values, form_fields.get(rule.endpoint, set()))
    assert member_sweep.sent > 1000
    # The director reached the forms named in the issue, so their fields were fuzzed one by one.
    assert 'rev' in form_fields['meetings.save_minutes']
    assert 'parent_id' in form_fields['comments.post']
    assert 'starts_at' in form_fields['meetings.schedule']
    assert 'birth_date' in form_fields['accounts.register']
    assert 'effective_from' in form_fields['rules.propose']
    assert 'reason' in form_fields['residency.reject']
    assert 'reason' in form_fields['meetings.decide_request']
    assert 'options' in form_fields['votes.create']
    assert 'reason' in form_fields['votes.cancel']
    assert len(form_fields) > 30
    assert anonymous_sweep.failures == []
    assert member_sweep.failures == []


BAD_VALUES = [10**24, 2**31, -(2**63), 'a\x00b', '\ud800', 'x\ud800y', {'x': 1}, [1], 1.5, None, True]
SOCKET_KEYS = [
    'meeting',
    'last_seq',
    'after',
    'seq',
    'topic_id',
    'user',
    'minutes',
    'item',
    'body',
    'client_id',
    'reason',
    'muted',
    'to',
    'kind',
    'data',
    'vote',
    'choice',
    'for',
]


def _payloads(meeting_id, vote_id=None):
    yield from (None, 'x', 12, [], {}, {'meeting': True}, {'meeting': '\x00'}, ['\ud800'])
    for value in BAD_VALUES:
        yield dict.fromkeys(SOCKET_KEYS, value)
        for key in SOCKET_KEYS:
            yield {'meeting': meeting_id, 'topic_id': 1, 'client_id': 'c-1', 'body': 'hi', key: value}
    if vote_id is not None:
        for value in BAD_VALUES:
            for key in ('vote', 'choice', 'for'):
                yield {'vote': vote_id, 'choice': [0], key: value}
            yield {'vote': vote_id, 'choice': [value]}


def test_no_socket_event_fails_on_bad_input(app, db, world, sockets):
    director, meeting, values = world
    sio = sockets(director)
    handlers = [e for e in socketio.server.handlers['/'] if e not in ('connect', 'disconnect')]
    assert 'meeting:say' in handlers
    assert 'join_topic' in handlers
    assert 'vote:cast' in handlers
    failures, sent = [], 0
    # Leaving last: every other event is sent from inside the room.
    for event in sorted(handlers, key=lambda e: e == 'meeting:leave'):
        seats.reset()
        assert sio.emit('meeting:join', {'meeting': meeting.id}, callback=True)['ok']
        sio.get_received()
        for payload in _payloads(meeting.id, values['vote_id']):
            sent += 1
            ack = sio.emit(event, payload, callback=True)
            errors = [e['args'][0] for e in sio.get_received() if e['name'] == 'error']
            if any(e.get('code') == 'server_error' for e in errors):
                failures.append((event, payload))
            if isinstance(ack, dict) and ack.get('code') == 'server_error':
                failures.append((event, payload))
    assert sent > 1000
    assert failures == []


def test_connecting_with_a_malformed_token_is_refused(app, db, world):
    director = world[0]
    client = app.test_client()
    AuthActions(client).login(director)
    for auth in [{'csrf_token': value} for value in BAD_VALUES] + [[1], 12, {}]:
        sio = socketio.test_client(app, flask_test_client=client, auth=auth)
        assert not sio.is_connected(), (auth,)
