"""The simple-websocket adjustments: one frame per room message, no permessage-deflate, and the version check."""

from importlib import metadata

import pytest
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


def test_the_check_passes_on_the_installed_versions():
    websocket.check()
    websocket.tune()


@pytest.mark.parametrize('package', sorted(websocket.PINNED))
def test_another_version_of_a_patched_library_stops_the_start_loudly(monkeypatch, package):
    installed = metadata.version
    monkeypatch.setattr(websocket.metadata, 'version', lambda name: '9.9.9' if name == package else installed(name))
    with pytest.raises(RuntimeError) as refused:
        websocket.tune()
    message = str(refused.value)
    assert f'{package} {websocket.PINNED[package]}, but {package} 9.9.9 is installed' in message
    assert f'Install {package}=={websocket.PINNED[package]}' in message


def test_a_missing_library_stops_the_start_loudly(monkeypatch):
    def version(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(websocket.metadata, 'version', version)
    with pytest.raises(RuntimeError, match='but python-engineio is not installed'):
        websocket.tune()


def test_a_patched_function_with_other_parameters_stops_the_start_loudly(monkeypatch):
    monkeypatch.setattr(websocket, '_queue_poll', lambda self, timeout=None: None)
    with pytest.raises(RuntimeError, match=r'replaces engineio\.socket\.Socket\.poll\(self\), but .* have engine'):
        websocket.tune()
    monkeypatch.setattr(websocket, '_queue_poll', None)
    with pytest.raises(RuntimeError, match=r'have no engineio\.socket\.Socket\.poll\.'):
        websocket.tune()
