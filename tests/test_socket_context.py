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
