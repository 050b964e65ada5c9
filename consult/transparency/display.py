"""The current signed tree head as pages and feeds show it, and as the API serves it."""

from datetime import UTC
from datetime import datetime

from flask import Flask
from flask import g
from flask import url_for

from . import queries


def head_dict(head) -> dict:
    """A head as JSON (``log/head.json`` of a bundle, the API): the verifier reads exactly these fields."""
    return {
        'seq': head.seq,
        'tree_size': head.tree_size,
        'root_hash': bytes(head.root_hash).hex(),
        'timestamp': head.timestamp,
        'key_id': head.key_id,
        'signature': bytes(head.signature).hex(),
    }


def current_head() -> dict | None:
    """The newest signed head for a page: size, root (full and short), time and the API's URL; read once a request.

    ``None`` while the log is empty.
    """
    if 'tree_head' not in g:
        head = queries.latest_head()
        g.tree_head = (
            None
            if head is None
            else {
                'tree_size': head.tree_size,
                'root_hash': bytes(head.root_hash).hex(),
                'short': bytes(head.root_hash).hex()[:16],
                'at': datetime.fromtimestamp(head.timestamp / 1000, UTC),
                'key_id': head.key_id,
                'url': url_for('opendata.log_head'),
                'key_url': url_for('opendata.log_public_key'),
            }
        )
    return g.tree_head


def init_app(app: Flask) -> None:
    app.add_template_global(current_head, 'tree_head')
