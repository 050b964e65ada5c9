"""Comments live over real websockets: a comment posted over HTTP reaches another viewer of the topic room.

The demo data has a topic in consultation with an open comment period (consult/demo.py).
"""

import re
import secrets

import pytest

from tests.live.conftest import csrf_from
from tests.live.conftest import login
from tests.live_server import DEMO_RESIDENT

pytestmark = pytest.mark.live

DEMO_REPRESENTATIVE = '13800000002'
CONSULTATION_TITLE = '社区小公园改造征求意见'


def _consultation_id(http, live) -> int:
    page = http.get(live.url + '/topics/', timeout=10).text
    match = re.search(r'href="/topics/(\d+)">' + CONSULTATION_TITLE + '<', page)
    assert match, 'the demo consultation topic is not in the public list'
    return int(match.group(1))


def _viewer(sockets, live, mobile, topic_id):
    http, token = login(live, mobile)
    recorder = sockets(http)
    for name in ('comment_posted', 'comment_hidden'):
        recorder.client.on(name, lambda data, name=name: recorder._record(name, data))
    recorder.connect(live, auth={'csrf_token': token})
    recorder.wait_for('welcome')
    # ``call`` waits for the server to have handled the join, so nothing posted afterwards can be missed.
    recorder.client.call('join_topic', {'topic_id': topic_id}, timeout=10)
    assert 'error' not in recorder.events
    return http, recorder


def test_posted_comment_reaches_another_viewer_of_the_topic(live, sockets):
    http, _token = login(live, DEMO_RESIDENT)
    topic_id = _consultation_id(http, live)
    _resident_http, resident = _viewer(sockets, live, DEMO_RESIDENT, topic_id)
    representative_http, representative = _viewer(sockets, live, DEMO_REPRESENTATIVE, topic_id)

    body = f'建议保留大树 {secrets.token_hex(3)}'
    page = representative_http.get(f'{live.url}/topics/{topic_id}', timeout=10).text
    assert 'id="comment-form"' in page
    response = representative_http.post(
        f'{live.url}/comments/topic/{topic_id}/post',
        data={'csrf_token': csrf_from(page), 'body': body, 'stance': 'for'},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302

    received = resident.wait_for('comment_posted')
    assert received['topic_id'] == topic_id
    assert received['body'] == body
    assert received['author'] == '居民代表'
    assert received['badge'] == 'representative'
    assert received['stance'] == 'for'
    assert received['tally']['for'] >= 1
    assert DEMO_REPRESENTATIVE not in str(received)
    # The poster's own open page gets it too (it is a viewer of the same room).
    assert representative.wait_for('comment_posted')['comment_id'] == received['comment_id']
