"""The simple-websocket adjustments: one frame per room message, and no permessage-deflate."""

from wsproto import ConnectionType
from wsproto import WSConnection
from wsproto.events import AcceptConnection
from wsproto.events import Request
from wsproto.events import TextMessage
from wsproto.extensions import PerMessageDeflate

from consult import websocket


def _open_server(extensions=()):
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host='localhost', target='/', extensions=[PerMessageDeflate()])))
    [_request] = list(server.events())
    client.receive_data(server.send(AcceptConnection(extensions=list(extensions))))
    list(client.events())
    return client, server


def _received(client, server, frame) -> str:
    client.receive_data(frame)
    return ''.join(event.data for event in client.events() if isinstance(event, TextMessage))


def test_one_frame_is_built_per_message_and_every_socket_reads_it():
    payload = '42["meeting:message",{"body":"大家好"}]'
    client_a, server_a = _open_server()
    client_b, server_b = _open_server()
    expected = bytes(_open_server()[1].send(TextMessage(data=payload)))
    frame_a = websocket.frame_for(server_a, payload)
    frame_b = websocket.frame_for(server_b, payload)
    assert frame_a is frame_b  # built once, reused for the second socket
    assert frame_a == expected
    assert _received(client_b, server_b, frame_b) == payload
    # The connections stay usable for messages that are not cached.
    assert _received(client_a, server_a, server_a.send(TextMessage(data='2'))) == '2'


def test_a_connection_with_an_extension_builds_its_own_frame():
    client, server = _open_server(extensions=[PerMessageDeflate()])
    payload = 'x' * 200
    frame = websocket.frame_for(server, payload)
    assert frame != bytes(_open_server()[1].send(TextMessage(data=payload)))  # compressed for this socket
    assert _received(client, server, frame) == payload


def test_the_server_declines_compression():
    websocket.tune()
    import simple_websocket.ws

    assert simple_websocket.ws.PerMessageDeflate().accept('permessage-deflate') is None
