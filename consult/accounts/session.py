"""Flask-Login glue: the cookie names a login session (``LoginSession``); the user loads only while it is live.

The cookie keeps ``<user id>:<session key>``. A session is live until it is ended (logout, password change,
"log out other devices") or left unused for ``LOGIN_SESSION_IDLE_DAYS``. Loading the user is one indexed query (the session by its unique
key, joined to its user); ``last_seen_at`` is written at most every ``LOGIN_SESSION_TOUCH_SECONDS``, on its own
short transaction, so pages never write on every request.
"""

import functools
import logging
import re
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask import session

from consult.accounts.models import LoginSession
from consult.accounts.models import User
from consult.delivery import on_close_room
from consult.extensions import db
from consult.kernel.clock import utcnow
from consult.socket_ends import checked_person

logger = logging.getLogger(__name__)

_BROWSERS = (
    ('MicroMessenger', 'WeChat'),
    ('Edg/', 'Edge'),
    ('OPR/', 'Opera'),
    ('Firefox/', 'Firefox'),
    ('Chrome/', 'Chrome'),
    ('Chromium/', 'Chromium'),
    ('Safari/', 'Safari'),
)
_SYSTEMS = (
    ('HarmonyOS', 'HarmonyOS'),
    ('Android', 'Android'),
    ('iPhone', 'iOS'),
    ('iPad', 'iPadOS'),
    ('Windows', 'Windows'),
    ('Mac OS X', 'macOS'),
    ('CrOS', 'ChromeOS'),
    ('Linux', 'Linux'),
)


def describe_agent(user_agent: str | None) -> str:
    """Summarise a User-Agent header as "browser · system" (the whole header is never stored)."""
    agent = user_agent or ''
    browser = next((name for token, name in _BROWSERS if token in agent), None)
    system = next((name for token, name in _SYSTEMS if token in agent), None)
    if browser and system:
        return f'{browser} · {system}'
    summary = browser or system or re.sub(r'[^\w./ -]', '', agent.split(' ', 1)[0])
    return summary[:80]


def live(now=None) -> list:
    """SQL criteria on :class:`LoginSession`: not ended, and used within ``LOGIN_SESSION_IDLE_DAYS``."""
    return _live_since(_idle_since(now))


def _live_since(since) -> list:
    return [LoginSession.revoked_at.is_(None), LoginSession.last_seen_at > since]


def _idle_since(now=None):
    """Logins last used before this are over (``LOGIN_SESSION_IDLE_DAYS``)."""
    return (now or utcnow()) - timedelta(days=current_app.config['LOGIN_SESSION_IDLE_DAYS'])


def _parse(user_id) -> tuple[int, str] | None:
    """``<user id>:<login key>`` from the cookie, or ``None`` when it is not that."""
    try:
        raw_id, key = user_id.split(':', 1)
        uid = int(raw_id)
    except (ValueError, TypeError, AttributeError):
        return None
    if not key or len(key) > 64:
        return None
    return uid, key


#: ``live()``'s login, built once: every request and socket connect of a signed-in person reads it.
@functools.cache
def _login():
    return (
        sa.select(User, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.key == sa.bindparam('key'),
            User.id == sa.bindparam('user'),
            *_live_since(sa.bindparam('since')),
        )
    )


def load_user(user_id: str) -> User | None:
    parsed = _parse(user_id)
    if parsed is None:
        return None
    uid, key = parsed
    person = checked_person(uid, key)  # a socket event between two checks of its login
    if person is not None:
        return person
    row = db.session.execute(_login(), {'key': key, 'user': uid, 'since': _idle_since()}).first()
    if row is None:
        return None
    user, last_seen = row
    user.login_key = key
    _touch(key, last_seen)
    return user


_touch_engines: dict[str, sa.Engine] = {}


def _touch_bind():
    """Where the touch is written: a small pool of its own (never the request's pool, whose connection the request
    holds: waiting there for a second one deadlocks once as many requests as the pool has connections do it)."""
    bind = db.session.get_bind()
    if not isinstance(bind, sa.Engine) or bind.dialect.name != 'postgresql':
        return bind
    key = bind.url.render_as_string(hide_password=False)
    if key not in _touch_engines:
        _touch_engines[key] = sa.create_engine(bind.url, pool_size=2, max_overflow=3, pool_timeout=1)
    return _touch_engines[key]


#: Login sessions used since the last write of their touches: key -> when.
_touches: dict[str, object] = {}
_touched = {'at': 0.0}
_touch_lock = threading.Lock()


def _touch(key: str, last_seen) -> None:
    """Record that the session was used, if it was last recorded long enough ago (never fails the request).

    Touches are written together: a request writes every touch noted by its process once
    ``LOGIN_SESSION_TOUCH_BATCH_SECONDS`` have passed since the last write (or ``TOUCH_BATCH`` are waiting), with one
    ``UPDATE``. When a crowd arrives at once (a vote opening), a thousand people cost a few writes, not a thousand
    transactions. A touch left unwritten when the process stops costs nothing but an earlier idle end.
    """
    now = utcnow()
    if last_seen is not None and now - last_seen < timedelta(seconds=current_app.config['LOGIN_SESSION_TOUCH_SECONDS']):
        return
    clock = time.monotonic()
    with _touch_lock:
        _touches[key] = now
        due = (
            len(_touches) >= TOUCH_BATCH
            or clock - _touched['at'] >= current_app.config['LOGIN_SESSION_TOUCH_BATCH_SECONDS']
        )
        if not due:
            return
        keys = sorted(_touches)
        _touches.clear()
        _touched['at'] = clock
    try:
        with sa.orm.Session(bind=_touch_bind(), join_transaction_mode='create_savepoint') as session:
            session.execute(sa.update(LoginSession).where(LoginSession.key.in_(keys)).values(last_seen_at=now))
            session.commit()
    except sa.exc.SQLAlchemyError:
        logger.warning('could not record the use of %s login session(s)', len(keys), exc_info=True)


#: Touches waiting that make a request write them at once.
TOUCH_BATCH = 500


#: Login sessions found live by :func:`live_logins` in this process: key -> (user id, when checked, monotonic).
_live_keys: dict[str, tuple[int, float]] = {}
#: How long a login session found live is trusted without reading it again (as the sockets' ``RECHECK_SECONDS``).
LIVE_KEY_SECONDS = 30.0
_LIVE_KEYS_MAX = 200_000


def session_login() -> tuple[int, str, bool] | None:
    """This request's login from its session, without the database: ``(user id, login key, trusted)``.

    ``trusted``: the login session was found live by this process within ``LIVE_KEY_SECONDS`` (and not ended
    since: :func:`forget_key`); otherwise the caller has it checked with others (:func:`live_logins`: the ballot
    intake checks a whole batch's in one statement). Flask-Login's session protection is applied as on any page.
    ``None``: not logged in this way (no session, or a remember-me cookie alone): use ``current_user``.
    """
    parsed = _parse(session.get('_user_id'))
    if parsed is None or current_app.login_manager._session_protection_failed():
        return None
    uid, key = parsed
    known = _live_keys.get(key)
    trusted = known is not None and known[0] == uid and time.monotonic() - known[1] < LIVE_KEY_SECONDS
    return uid, key, trusted


def live_logins(logins) -> set[tuple[int, str]]:
    """Which of ``logins`` (``(user id, key)`` pairs) are live login sessions, in one statement; those are trusted
    for ``LIVE_KEY_SECONDS`` and their use recorded (``_touch``)."""
    logins = set(logins)
    if not logins:
        return set()
    rows = db.session.execute(
        sa.select(LoginSession.user_id, LoginSession.key, LoginSession.last_seen_at).where(
            LoginSession.key.in_(sorted(key for _uid, key in logins)), *live()
        )
    ).all()
    clock = time.monotonic()
    found = set()
    for uid, key, last_seen in rows:
        if (uid, key) in logins:
            found.add((uid, key))
            if len(_live_keys) >= _LIVE_KEYS_MAX:
                _live_keys.clear()
            _live_keys[key] = (uid, clock)
            _touch(key, last_seen)
    for _uid, key in logins:
        if (_uid, key) not in found:
            _live_keys.pop(key, None)
    return found


def forget_key(key: str) -> None:
    """A login session ended: it is read again (:func:`live_logins`) before it is trusted."""
    _live_keys.pop(key, None)


def _on_close_room(_server, room: str) -> None:
    if isinstance(room, str) and room.startswith('login:'):
        forget_key(room.removeprefix('login:'))


on_close_room(_on_close_room)
