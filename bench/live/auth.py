"""Logged-in socket credentials for many users without 1,000 Argon2 logins: forged with the app's own secret.

The bench runs the app and holds its ``instance/secret_key``, so it signs the same session cookie a login
would set: Flask-Login's ``_user_id`` (``id:login session key``, see consult/accounts/session.py), ``_fresh``,
``_id`` (the "strong" session-protection identifier of the client's address and User-Agent) and Flask-WTF's raw
``csrf_token``; the socket's ``auth`` carries the signed CSRF token, as the page's ``<meta>`` would.
"""

import hashlib
import os

from itsdangerous import URLSafeTimedSerializer

USER_AGENT = 'consult-bench-live/1.0'
CLIENT_ADDRESS = '127.0.0.1'


def forge(app, users: list[tuple[int, str]]) -> list[tuple[dict, dict]]:
    """``users`` as ``(id, login session key)`` (``appsetup.login_sessions``).

    :return: ``(headers, auth)`` per user for ``AsyncClient.connect``.
    """
    from consult.extensions import login_manager

    cookie_name = app.config['SESSION_COOKIE_NAME']
    with app.test_request_context(
        '/', environ_base={'REMOTE_ADDR': CLIENT_ADDRESS}, headers={'User-Agent': USER_AGENT}
    ):
        identifier = login_manager._session_identifier_generator()
        session_serializer = app.session_interface.get_signing_serializer(app)
    csrf_secret = app.config.get('WTF_CSRF_SECRET_KEY') or app.secret_key
    csrf_serializer = URLSafeTimedSerializer(csrf_secret, salt='wtf-csrf-token')
    credentials = []
    for user_id, key in users:
        raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - what Flask-WTF itself stores
        cookie = session_serializer.dumps(
            {'_user_id': f'{user_id}:{key}', '_fresh': True, '_id': identifier, 'csrf_token': raw}
        )
        headers = {'Cookie': f'{cookie_name}={cookie}', 'User-Agent': USER_AGENT}
        credentials.append((headers, {'csrf_token': csrf_serializer.dumps(raw)}))
    return credentials
