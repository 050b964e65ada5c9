"""An archived topic refuses every write, through every state-changing route and every socket event.

The walk is generated from the app's url map and from the socket event catalogue (the handlers each context
registers), so a new route or event is walked without being listed here; a route whose arguments this test does
not know fails until it is decided whether it concerns a topic.
"""

import time

import pytest
import sqlalchemy as sa

from consult.db import db as _db
from consult.topics import states
from consult.topics.routes.steps import STEP_FIELDS
from tests.conftest import AuthActions
from tests.conftest import csrf_token

#: Route arguments that name no topic's row: the walk leaves those routes out.
#: A deputy's formal suggestion goes to a responsible body (domain.md rule 39): a reply or an assessment writes
#: on the suggestion, not on the record of a topic it may mention, which the deputy may criticise once archived.
NOT_ABOUT_A_TOPIC = {
    'code',
    'number',
    'community_id',
    'grant_id',
    'membership_id',
    'petition_id',
    'token',
    'suggestion_id',
}
#: POST routes without arguments: none writes about an existing topic, except creating a vote (its topic is a
#: form field).
WITHOUT_ARGUMENTS = {
    '/language',
    '/text-size',
    '/account/forgot',
    '/account/reset-code',
    '/account/register',
    '/account/login',
    '/account/logout',
    '/account/password',
    '/account/sessions/others',
    '/residency/claim',
    '/roles/grant',
    '/topics/new',
    '/deputies/suggestions/new',
    '/topics/notifications',
    '/socket.io/',
}
#: Rows that do not exist for the archived topic: their routes answer 404.
ABSENT = {'request_id', 'entry_id', 'proxy_id', 'appraisal_id'}
#: The archive's own writes on an archived record: appraisal and destruction (domain.md rule 37), walked in
#: tests/archive/test_destruction.py.
ARCHIVE_OWN = {'archive.appraise', 'archive.destroy'}
ROLES = ('staff', 'director', 'resident', 'department', 'supervisor')
#: Who holds a write right on nearly every route: each refusal they get says why (the record is read-only).
#: Others may be refused earlier, for not seeing the row at all.
COMMITTEE = ('staff', 'director')
#: Plausible fields for every form, so that a refusal is not a form error.
FORM = {
    'reason': '理由充分的说明文字',
    'reasons': '理由充分的说明文字',
    'text': '文字内容足够长',
    'body': '文字内容足够长',
    'title': '标题',
    'answer': 'not_upheld',
    'decision': 'adopted',
    'law': '《城市居民委员会组织法》',
    'score': '5',
    'comment': '好',
    'stance': 'for',
    'outcome': 'completed',
    'days': '7',
    'summary': '总结',
    'minutes': '纪要',
    'rev': '0',
    'note': '说明',
    'item': 'minutes',
    'consensus': 'y',
    'result': 'pass',
    'kind': 'motion',
    'choice': '0',
}


def _walk(app, ids: dict, action_names) -> list[tuple[str, str]]:
    """(endpoint, url) of every state-changing route about the archived topic."""
    walk = []
    for rule in app.url_map.iter_rules():
        if not rule.methods & {'POST', 'PUT', 'PATCH', 'DELETE'} or rule.endpoint in ARCHIVE_OWN:
            continue
        arguments = set(rule.arguments)
        if not arguments:
            assert rule.rule in WITHOUT_ARGUMENTS or rule.rule == '/votes/new', (
                f'decide whether {rule.rule} concerns a topic'
            )
            if rule.rule == '/votes/new':
                walk.append((rule.endpoint, f'/votes/new?topic={ids["topic_id"]}'))
            continue
        if arguments & NOT_ABOUT_A_TOPIC:
            continue
        unknown = arguments - set(ids) - {'action'}
        assert not unknown, f'{rule.rule}: no row of the archived topic for {sorted(unknown)}'
        for action in action_names if 'action' in arguments else [None]:
            values = {name: ids[name] for name in arguments if name != 'action'}
            if action is not None:
                values['action'] = action
            walk.append((rule.endpoint, rule.build(values, append_unknown=False)[1]))
    return walk


def _snapshot(rows: dict) -> tuple:
    counts = _db.session.execute(
        sa.select(*[sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in _db.metadata.sorted_tables])
    ).one()
    _db.session.expire_all()
    states_of = tuple(tuple(getattr(row, c.key) for c in sa.inspect(row).mapper.column_attrs) for row in rows.values())
    return tuple(counts), states_of


@pytest.fixture
def ids(archived_live, cast):
    rows = archived_live
    participant = _db.session.execute(
        sa.text('SELECT id FROM meeting_participants WHERE meeting_id = :m LIMIT 1'), {'m': rows['meeting'].id}
    ).scalar()
    return {
        'topic_id': rows['topic'].id,
        'attachment_id': rows['attachment'].id,
        'comment_id': rows['comment'].id,
        'meeting_id': rows['meeting'].id,
        'participant_id': participant,
        'user_id': cast.resident.id,
        'objection_id': rows['objection'].id,
        'flag_id': rows['flag'].id,
        'opinion_id': rows['opinion'].id,
        'task_id': rows['task'].id,
        'ticket_id': rows['ticket'].id,
        'vote_id': rows['vote'].id,
        **dict.fromkeys(ABSENT, 999999),
    }


def test_every_state_changing_route_refuses_an_archived_topic(app, db, cast, supervisor, archived_live, ids):
    people = {'supervisor': supervisor, **{role: getattr(cast, role) for role in ROLES if role != 'supervisor'}}
    walk = _walk(app, ids, list(states.TRANSITIONS))
    assert len(walk) > 60
    rows = {name: archived_live[name] for name in ('topic', 'meeting', 'vote', 'task', 'ticket', 'objection', 'flag')}
    wrong = []
    for role in ROLES:
        client = app.test_client()
        AuthActions(client).login(people[role])
        token = csrf_token(client)
        before = _snapshot(rows)
        for endpoint, url in walk:
            response = client.post(url, data={**FORM, 'csrf_token': token}, headers={'Accept-Language': 'en'})
            after = _snapshot(rows)
            body = response.get_data(as_text=True)
            # A row that does not exist, or a topic step with no page of its own (taken elsewhere, or by the system).
            missing = '999999' in url or (endpoint == 'topics.step' and url.rsplit('/', 1)[1] not in STEP_FIELDS)
            if after != before:
                wrong.append(f'{role} {url}: wrote')
                before = after
            elif response.status_code == 404 and missing:
                continue
            elif endpoint == 'votes.cast':
                # The ballot's fast path never loads the topic: the vote is closed (archiving needs every vote
                # closed), and the ballot is refused with that reason.
                if response.status_code != 302:
                    wrong.append(f'{role} {url}: {response.status_code}')
            elif response.status_code not in (403, 404):
                wrong.append(f'{role} {url}: {response.status_code}')
            elif role in COMMITTEE and 'read-only' not in body:
                wrong.append(f'{role} {url}: {response.status_code} without the reason')
    assert not wrong, '\n'.join(wrong)


class _Catalogue:
    """Records the socket events each context registers (the same ``register`` the app factory calls)."""

    def __init__(self):
        self.names: list[str] = []

    def on_event(self, name, handler):
        if name not in ('connect', 'disconnect'):
            self.names.append(name)


def socket_events() -> list[str]:
    from consult.meetings.events import register as meetings
    from consult.topics.events import register as topics
    from consult.votes.events import register as votes

    catalogue = _Catalogue()
    for register in (topics, meetings, votes):
        register(catalogue)
    return catalogue.names


#: Events that only read (join a room to follow it, replay, leave): answered, writing nothing.
READS = {
    'join_topic',
    'leave_topic',
    'meeting:join',
    'meeting:replay',
    'meeting:presence',
    'meeting:leave',
    'meeting:ping',
    'vote:join',
}


def test_every_socket_event_refuses_an_archived_topic(app, db, cast, archived_live, client, auth, socket_client):
    from tests.meetings.conftest import _FreshG

    rows = {name: archived_live[name] for name in ('topic', 'meeting', 'vote', 'task', 'ticket', 'objection', 'flag')}
    meeting, vote = archived_live['meeting'], archived_live['vote']
    names = socket_events()
    assert len(names) > 15
    payload = {
        'topic_id': rows['topic'].id,
        'meeting': meeting.id,
        'vote': vote.id,
        'last_seq': 0,
        'text': '会议发言',
        'body': '会议发言',
        'user': cast.resident.id,
        'seconds': 60,
        'message': 1,
        'item': meeting.items[0].id,
        'choice': [0],
        'kind': 'offer',
        'to': 'x',
        'data': {},
    }
    wrong = []
    for role in ('director', 'staff', 'resident'):
        auth.login(getattr(cast, role))
        sio = _FreshG(socket_client())
        sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': 0}, callback=True)
        before = _snapshot(rows)
        for name in names:
            time.sleep(1 / 15)  # under the room's event rate (20 a second), so the refusal is not for flooding
            sio.get_received()
            answer = sio.emit(name, payload, callback=True)
            errors = [e['args'][0] for e in sio.get_received() if e['name'] == 'error']
            after = _snapshot(rows)
            if after != before:
                wrong.append(f'{role} {name}: wrote')
                before = after
            elif name in READS:
                continue
            elif not errors and not (isinstance(answer, dict) and answer.get('ok') is False):
                wrong.append(f'{role} {name}: not refused ({answer})')
            elif role in COMMITTEE and name.startswith('meeting:') and not any(e['code'] == 'archived' for e in errors):
                wrong.append(f'{role} {name}: refused without the reason ({errors})')
        sio.disconnect()
        auth.logout()
    assert not wrong, '\n'.join(wrong)
