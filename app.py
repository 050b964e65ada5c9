"""Entry point: ``flask --app app run`` for development, ``gunicorn -k gevent app:app`` in production."""

import os

from consult import create_app
from consult.extensions import socketio

app = create_app()

if __name__ == '__main__':
    socketio.run(
        app,
        host=os.environ.get('HOST', '127.0.0.1'),
        port=int(os.environ.get('PORT', '5000')),
        allow_unsafe_werkzeug=True,
    )
