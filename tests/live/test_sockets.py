"""Socket.IO against a real server process, over real websockets and long-polling (tech notes §5).

The in-process suite uses Flask-SocketIO's test client, which skips the transports, the handshake's
cookies and the same-origin check; these tests go through all of them.
"""

import re
import time

import pytest
import socketio

from tests.live.conftest import csrf_from
from tests.live.conftest import login
from tests.live.conftest import new_http
from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF
from tests.live_server import DEMO_WAITING

pytestmark = pytest.mark.live


def _refused(recorder, live, **kwargs) -> str:
    """Connect, expect the server to refuse, return the refusal message it sent."""
    with pytest.raises(socketio.exceptions.ConnectionError):
        recorder.connect(live, **kwargs)
    assert not recorder.client.connected
    assert 'welcome' not in recorder.events
    assert recorder.connect_errors, 'refused without a connect_error from the server (a transport failure?)'
    message = recorder.connect_errors[0]
    return message.get('message', '') if isinstance(message, dict) else str(message)


def test_anonymous_connection_is_refused(live, sockets):
    http = new_http(live)  # a real (anonymous) session cookie, and a valid CSRF token for that session
    token = csrf_from(http.get(live.url + '/account/login', timeout=10).text)
    message = _refused(sockets(http), live, auth={'csrf_token': token})
    assert message  # the server says why (a translated "please log in first")


def test_anonymous_connection_without_cookie_is_refused(live, sockets):
    _refused(sockets(None), live, auth={})


@pytest.mark.parametrize('transports', [('websocket',), ('polling',)], ids=['websocket', 'polling'])
def test_logged_in_user_gets_welcome(live, sockets, transports):
    http, token = login(live, DEMO_RESIDENT)
    recorder = sockets(http)
    recorder.connect(live, auth={'csrf_token': token}, transports=transports)
    assert recorder.client.connected
    assert recorder.client.transport() == transports[0]
    welcome = recorder.wait_for('welcome')
    me = http.get(live.url + '/', timeout=10).text.split('data-user="')[1].split('"')[0]
    assert welcome['user_id'] == int(me)
    assert welcome['display_name'] == '东湖居民'


@pytest.mark.parametrize(
    'auth',
    [None, {}, {'csrf_token': ''}, {'csrf_token': 'not-a-token'}, 'a-bare-string'],
    ids=['no-auth', 'empty-auth', 'empty-token', 'wrong-token', 'not-a-dict'],
)
def test_logged_in_without_a_valid_csrf_token_is_refused(live, sockets, auth):
    http, _token = login(live, DEMO_RESIDENT)
    _refused(sockets(http), live, auth=auth)


def test_csrf_token_of_another_session_is_refused(live, sockets):
    _resident_http, resident_token = login(live, DEMO_RESIDENT)
    staff_http, _staff_token = login(live, DEMO_STAFF)
    _refused(sockets(staff_http), live, auth={'csrf_token': resident_token})


@pytest.mark.parametrize(
    ('origin', 'accepted'),
    [('SAME', True), ('http://evil.example', False), ('http://localhost:1', False)],
    ids=['same-origin', 'other-site', 'other-origin'],
)
def test_websocket_handshake_checks_the_origin(live, sockets, origin, accepted):
    """A page on another origin cannot open a socket with the user's cookie (cross-site WebSocket hijacking)."""
    http, token = login(live, DEMO_RESIDENT)
    recorder = sockets(http)
    recorder.client.eio.websocket_extra_options = {'origin': live.url if origin == 'SAME' else origin}
    if accepted:
        recorder.connect(live, auth={'csrf_token': token})
        assert recorder.wait_for('welcome')
    else:
        with pytest.raises(socketio.exceptions.ConnectionError):
            recorder.connect(live, auth={'csrf_token': token})
        assert not recorder.client.connected
        assert 'welcome' not in recorder.events


@pytest.mark.parametrize(('origin', 'status'), [('SAME', 200), ('http://evil.example', 400)], ids=['same', 'other'])
def test_polling_handshake_checks_the_origin(live, origin, status):
    http, _token = login(live, DEMO_RESIDENT)
    response = http.get(
        live.url + '/socket.io/',
        params={'EIO': '4', 'transport': 'polling'},
        headers={'Origin': live.url if origin == 'SAME' else origin},
        timeout=10,
    )
    assert response.status_code == status
    allowed = response.headers.get('Access-Control-Allow-Origin')
    assert allowed in (None, live.url)


def test_logged_out_session_cannot_connect(live, sockets):
    http, token = login(live, DEMO_RESIDENT)
    response = http.post(live.url + '/account/logout', data={'csrf_token': token}, timeout=10)
    assert response.ok
    _refused(sockets(http), live, auth={'csrf_token': token})


def test_decision_is_pushed_to_the_claimant_only(live, sockets):
    """Approving a claim over HTTP pushes ``residency_decided`` to the claimant's socket, and to no one else's."""
    claimant_http, claimant_token = login(live, DEMO_WAITING)
    claimant = sockets(claimant_http)
    claimant.connect(live, auth={'csrf_token': claimant_token})
    bystander_http, bystander_token = login(live, DEMO_RESIDENT)
    bystander = sockets(bystander_http)
    bystander.connect(live, auth={'csrf_token': bystander_token}, transports=('polling',))
    claimant.wait_for('welcome')
    bystander.wait_for('welcome')

    staff_http, staff_token = login(live, DEMO_STAFF)
    review = staff_http.get(live.url + '/residency/review', timeout=10)
    claim_ids = re.findall(r'data-claim="(\d+)"', review.text)
    assert claim_ids, 'the demo data has a waiting claim'
    mine = claimant_http.get(live.url + '/residency/', timeout=10).text
    claim_id = next(i for i in claim_ids if f'/residency/{i}/withdraw' in mine)
    response = staff_http.post(
        f'{live.url}/residency/{claim_id}/approve', data={'csrf_token': staff_token}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302

    decided = claimant.wait_for('residency_decided')
    assert decided == {'membership_id': int(claim_id), 'status': 'verified', 'community': '东湖社区'}
    time.sleep(0.5)  # long enough for a wrongly addressed event to arrive over polling
    assert 'residency_decided' not in bystander.events
