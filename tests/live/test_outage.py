"""A real database outage under the production server: PostgreSQL is cut off by a TCP proxy, then restored.

The server (gunicorn + gevent) reaches PostgreSQL only through ``tests.db_proxy.DatabaseProxy``; cutting the
proxy breaks its pooled connections and refuses new ones, exactly as a stopped database does. While it is
cut, socket events must answer an ``unavailable`` error in the user's language and keep the socket connected,
and pages must answer the app's own 503 page in the user's language (never Werkzeug's bare English page);
once it is back, everything works again and a message resent with the same ``client_id`` is stored once.

PostgreSQL only: SQLite has no server to cut (and a file made unreadable does not stop root).
"""

import contextlib
import os
import re
import time

import pytest
import socketio

from tests.db_proxy import DatabaseProxy
from tests.live.conftest import login
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_server
from tests.support import is_postgres

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not is_postgres(os.environ.get('TEST_DATABASE_URL', '')),
        reason='cuts a PostgreSQL server through a proxy (set TEST_DATABASE_URL to a PostgreSQL URL)',
    ),
]

DEMO_REPRESENTATIVE = '13800000002'
#: Members of the demo's open meeting who chat by right: a resident, the representative, the grid worker, the
#: committee director and the supervisory committee member.
PARTICIPANTS = (DEMO_RESIDENT, DEMO_REPRESENTATIVE, '13800000003', '13800000005', '13800000011')
UNAVAILABLE_SOCKET = {
    'zh_Hans': '服务暂时不可用，您的消息将自动重新发送。',
    'en': 'The service is temporarily unavailable; your message will be resent.',
}
UNAVAILABLE_PAGE = {
    'zh_Hans': '服务暂时不可用，请稍后再试。',
    'zh_Hant': '服務暫時不可用，請稍後再試。',
    'en': 'The service is temporarily unavailable. Please try again later.',
}


@pytest.fixture(scope='module')
def proxy():
    with DatabaseProxy(os.environ['TEST_DATABASE_URL']) as proxy:
        yield proxy


@pytest.fixture(scope='module')
def server(tmp_path_factory, proxy):
    with live_server(tmp_path_factory.mktemp('outage'), database_url=proxy.url, production=True) as server:
        yield server
        proxy.restore()  # the live server's database is dropped through the proxy


@contextlib.contextmanager
def database_down(proxy):
    proxy.cut()
    try:
        yield
    finally:
        proxy.restore()


def _meeting_id(server, http) -> int:
    page = http.get(server.url + '/topics/', timeout=10).text
    topic = re.search(r'href="/topics/(\d+)"[^>]*>[^<]*垃圾分类投放点调整', page)
    detail = http.get(f'{server.url}/topics/{topic.group(1)}', timeout=10).text
    return int(re.search(r'href="/meetings/(\d+)"', detail).group(1))


def _in_room(server, sockets, mobile, language=None):
    http, token = login(server, mobile)
    if language:
        response = http.post(server.url + '/language', data={'locale': language, 'csrf_token': token}, timeout=10)
        assert response.ok
    recorder = sockets(http)
    recorder.connect(server, auth={'csrf_token': token})
    recorder.wait_for('welcome')
    meeting = _meeting_id(server, http)
    ack = recorder.client.call('meeting:join', {'meeting': meeting, 'last_seq': 0}, timeout=10)
    assert ack['ok'], ack
    return http, token, recorder, meeting


def _say(recorder, meeting, client_id, body='停电期间发的话'):
    return recorder.client.call('meeting:say', {'meeting': meeting, 'body': body, 'client_id': client_id}, timeout=10)


def test_socket_events_answer_unavailable_in_the_users_language_and_the_socket_stays(server, proxy, sockets):
    _http, _token, resident, meeting = _in_room(server, sockets, DEMO_RESIDENT)
    english_http, english_token, english, _meeting = _in_room(server, sockets, DEMO_REPRESENTATIVE, language='en')
    client_id = f'outage-{time.time_ns()}'

    with database_down(proxy):
        for _attempt in range(3):  # a resend during the outage is answered the same way
            ack = _say(resident, meeting, client_id)
            assert ack == {'ok': False, 'code': 'unavailable', 'message': UNAVAILABLE_SOCKET['zh_Hans']}
        assert resident.events['error'][-1] == {'code': 'unavailable', 'message': UNAVAILABLE_SOCKET['zh_Hans']}
        # Any event that needs the database is answered, not only messages (the session's English here).
        ack = english.client.call('meeting:presence', {'meeting': meeting}, timeout=10)
        assert ack == {'ok': False, 'code': 'unavailable', 'message': UNAVAILABLE_SOCKET['en']}
        assert english.wait_for('error') == {'code': 'unavailable', 'message': UNAVAILABLE_SOCKET['en']}
        # A new connection cannot be authenticated: it is refused with the reason, not accepted half-way.
        newcomer = sockets(english_http)
        with pytest.raises(socketio.exceptions.ConnectionError):
            newcomer.connect(server, auth={'csrf_token': english_token})
        assert newcomer.connect_errors == [{'message': UNAVAILABLE_SOCKET['en'], 'data': {'code': 'unavailable'}}]
        assert resident.client.connected
        assert english.client.connected

    sent = _say(resident, meeting, client_id)
    assert sent['ok'], sent
    assert sent['duplicate'] is False  # nothing was stored during the outage
    assert _say(resident, meeting, client_id) == {'ok': True, 'seq': sent['seq'], 'duplicate': True}
    assert resident.client.call('meeting:presence', {'meeting': meeting}, timeout=10)['ok']
    deadline = time.monotonic() + 10
    while not any(m['client_id'] == client_id for m in english.events.get('meeting:message', [])):
        assert time.monotonic() < deadline, 'the message stored after the outage was not pushed to the room'
        time.sleep(0.05)
    assert english.client.call('meeting:presence', {'meeting': meeting}, timeout=10)['ok']
    newcomer = sockets(english_http)
    newcomer.connect(server, auth={'csrf_token': english_token})
    assert newcomer.wait_for('welcome')['user_id']


def _error_page(response, language: str) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.headers['Content-Type'].startswith('text/html')
    html = {'zh_Hans': 'zh-Hans', 'zh_Hant': 'zh-Hant', 'en': 'en'}[language]
    assert f'<html lang="{html}">' in response.text
    assert UNAVAILABLE_PAGE[language] in response.text
    assert 'class="site-header"' in response.text  # the site's look, not Werkzeug's page
    assert 'Internal Server Error' not in response.text


def test_pages_answer_the_apps_error_page_in_the_users_language(server, proxy):
    resident, _token = login(server, DEMO_RESIDENT)
    switched, switched_token = login(server, DEMO_REPRESENTATIVE)
    switched.post(server.url + '/language', data={'locale': 'zh_Hant', 'csrf_token': switched_token}, timeout=10)
    anonymous = resident.__class__()

    with database_down(proxy):
        _error_page(resident.get(server.url + '/meetings/mine', headers={'Accept-Language': ''}, timeout=10), 'zh_Hans')
        english = resident.get(server.url + '/meetings/mine', headers={'Accept-Language': 'en-GB'}, timeout=10)
        _error_page(english, 'en')
        # The language chosen on the site (kept in the session cookie) wins over the browser's.
        _error_page(switched.get(server.url + '/', headers={'Accept-Language': 'en'}, timeout=10), 'zh_Hant')
        _error_page(anonymous.get(server.url + '/topics/', headers={'Accept-Language': 'en'}, timeout=10), 'en')
        as_json = resident.get(server.url + '/meetings/mine', headers={'Accept': 'application/json'}, timeout=10)
        assert as_json.status_code == 503
        assert as_json.json() == {'error': {'code': 503, 'message': UNAVAILABLE_PAGE['zh_Hans']}}

    page = resident.get(server.url + '/meetings/mine', headers={'Accept-Language': ''}, timeout=10)
    assert page.status_code == 200
    assert 'data-user=' in page.text  # still logged in: the session outlived the outage
    assert switched.get(server.url + '/', timeout=10).status_code == 200


def test_the_issues_35_messages_are_each_answered_during_the_outage_and_stored_once_after_it(server, proxy, sockets):
    """Five people send seven messages each while the database is down, and the pages resend them after it.

    The attempts that met the outage do not count toward a person's message pace (10 in 10 s): the resends
    right after it are stored, not refused as too fast.
    """
    people = [_in_room(server, sockets, mobile)[2:] for mobile in PARTICIPANTS]
    meeting = people[0][1]
    stamp = time.time_ns()
    sends = [
        (recorder, f'burst-{stamp}-{p}-{n}', f'停电第 {p}-{n} 条')
        for p, (recorder, _m) in enumerate(people)
        for n in range(7)
    ]
    with database_down(proxy):
        started = time.monotonic()
        answers = []
        for recorder, client_id, body in sends:
            answers.append(_say(recorder, meeting, client_id, body))
            time.sleep(0.06)  # people type: under the 20 events a second one person may send
        elapsed = time.monotonic() - started
        assert [a['code'] for a in answers] == ['unavailable'] * 35, answers
        assert elapsed < 15, f'35 refusals took {elapsed:.1f} s'
        assert all(recorder.client.connected for recorder, _m in people)
    resent = [_say(recorder, meeting, client_id, body) for recorder, client_id, body in sends]
    assert [r for r in resent if not r['ok'] or r['duplicate']] == []
    seqs = [r['seq'] for r in resent]
    assert seqs == list(range(seqs[0], seqs[0] + 35))  # each stored once, in order
    recorder, client_id, body = sends[0]
    assert _say(recorder, meeting, client_id, body) == {'ok': True, 'seq': seqs[0], 'duplicate': True}
