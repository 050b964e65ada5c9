"""Socket events run in a request context made from the handshake request (``/socket.io/``): it must match a
rule, or Werkzeug raises NotFound on every event and the request keeps the exception and its frames as
cyclic garbage (see ``consult/__init__.py``)."""

import pytest


@pytest.mark.parametrize(
    ('method', 'headers'),
    [
        ('GET', {'Upgrade': 'websocket', 'Connection': 'Upgrade'}),  # a websocket handshake
        ('GET', {}),  # long-polling
        ('POST', {}),
    ],
)
def test_the_handshake_path_matches_a_rule(app, method, headers):
    with app.test_request_context('/socket.io/?EIO=4&transport=websocket', method=method, headers=headers) as ctx:
        assert ctx.request.routing_exception is None


def test_the_rule_serves_nothing_itself(client):
    # Engine.IO's answer to a request without its parameters: the middleware takes the path before Flask.
    assert client.get('/socket.io/').status_code == 400


def test_the_cookie_session_is_read_once_per_socket_not_per_event(db, make_user, auth, socket_client, monkeypatch):
    """Flask opens the session when each event's context is pushed; the socket's own copy stands in after its
    first event, so the cookie is not decoded and checked again on every message."""
    from flask.sessions import SecureCookieSessionInterface

    user = make_user()
    auth.login(user)
    decoded = []
    original = SecureCookieSessionInterface.open_session
    monkeypatch.setattr(
        SecureCookieSessionInterface,
        'open_session',
        lambda self, app, request: decoded.append(request.path) or original(self, app, request),
    )
    sio = socket_client()
    assert sio.is_connected()
    after_connect = len(decoded)
    for _ in range(5):
        sio.emit('meeting:ping', {'meeting': 1}, callback=True)
    assert len(decoded) == after_connect  # five events, no more decoding
    assert after_connect <= 2  # the connect itself (and the page the CSRF token came from)
