"""Configuration classes. Values come from environment variables; secrets never live in the repo."""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {'1', 'true', 'yes', 'on'}


def load_or_create_secret(instance_path: str) -> str:
    """Return ``SECRET_KEY`` from the environment, else from ``instance/secret_key``, creating it once."""
    if os.environ.get('SECRET_KEY'):
        return os.environ['SECRET_KEY']
    path = Path(instance_path) / 'secret_key'
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def new_signing_key() -> str:
    """A fresh Ed25519 private key for the transparency log, as base64 of its 32-byte seed."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.hazmat.primitives.serialization import NoEncryption
    from cryptography.hazmat.primitives.serialization import PrivateFormat

    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


def load_or_create_signing_key(instance_path: str) -> str:
    """``TRANSPARENCY_SIGNING_KEY`` when unset: ``instance/transparency_key``, created once, like ``SECRET_KEY``.

    Back it up with the database: a new key would disown every head signed before (``flask archive verify`` says so).
    """
    path = Path(instance_path) / 'transparency_key'
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_signing_key()
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Base configuration shared by every environment."""

    SECRET_KEY: str | None = None  # filled by create_app from the env or the instance folder
    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL')  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: A pooled connection unused for this many seconds is pinged before use (``consult.db.ping_after_idle``);
    #: one used more recently is not (SQLAlchemy's ``pool_pre_ping`` pinged before every use).
    DATABASE_PING_AFTER = float(os.environ.get('DATABASE_PING_AFTER', '0.5'))
    #: PostgreSQL connections each process keeps open, and how many more it may open under load (closed again as
    #: soon as the pool is full). A crowd arriving at once (a vote opening, a room's opening) must not open and
    #: close connections per request: SQLAlchemy's default of 5 kept made a third of a worker's CPU connecting and
    #: disconnecting in ``make bench-votes``, and 15 kept with 5 more opened 243 connections for 2,000 joins in
    #: ``make bench-live --cycles 2`` (a new one also loses the server's prepared statements). So the pool is
    #: fixed, 20 kept and none more, the same 20 at most as before.
    DATABASE_POOL_SIZE = int(os.environ.get('DATABASE_POOL_SIZE', '20'))
    DATABASE_MAX_OVERFLOW = int(os.environ.get('DATABASE_MAX_OVERFLOW', '0'))
    REDIS_URL = os.environ.get('REDIS_URL')
    #: Socket.IO message queue; every process that emits must share it.
    SOCKETIO_MESSAGE_QUEUE = os.environ.get('SOCKETIO_MESSAGE_QUEUE', os.environ.get('REDIS_URL'))
    #: The queue's Redis channel. Publish/subscribe channels are not per Redis database: deployments (or test
    #: servers) that share a Redis server keep apart only with different channels.
    SOCKETIO_CHANNEL = os.environ.get('SOCKETIO_CHANNEL', 'flask-socketio')
    SOCKETIO_ASYNC_MODE = os.environ.get('SOCKETIO_ASYNC_MODE')  # None: auto (gevent under gunicorn -k gevent)
    #: Video calls in the live room (consult/meetings/video.py): people per call (a browser-to-browser mesh),
    #: STUN and TURN servers (comma-separated URLs) and coturn's shared secret for time-limited credentials.
    VIDEO_CALL_MAX = 6
    VIDEO_STUN_URLS = [u for u in os.environ.get('VIDEO_STUN_URLS', '').split(',') if u]
    VIDEO_TURN_URLS = [u for u in os.environ.get('VIDEO_TURN_URLS', '').split(',') if u]
    VIDEO_TURN_SECRET = os.environ.get('VIDEO_TURN_SECRET')
    VIDEO_TURN_TTL = 3600
    #: ``relay``: media only through the TURN relay, so no participant learns another's address; ``all``:
    #: direct where possible (the default). ``relay`` needs VIDEO_TURN_URLS and VIDEO_TURN_SECRET.
    VIDEO_ICE_POLICY = os.environ.get('VIDEO_ICE_POLICY', 'all')
    #: Engine.IO keep-alive (seconds): a ping every interval; a socket that has not answered within the timeout
    #: is closed. The defaults are Socket.IO's; the live tests shorten them to see keep-alive work.
    SOCKETIO_PING_INTERVAL = 25
    SOCKETIO_PING_TIMEOUT = 20
    #: Socket limits (consult/socket_limits.py): Socket.IO connections per person, across processes (counted in
    #: Redis when REDIS_URL is set); seconds an Engine.IO session may stay without a Socket.IO connection, and
    #: how many such sessions a process holds; the largest message handled (a larger one gets an ``error``
    #: event ``too_large``) and the largest the transport reads at all (a larger frame closes the connection).
    SOCKETIO_MAX_SOCKETS_PER_USER = int(os.environ.get('SOCKETIO_MAX_SOCKETS_PER_USER', '20'))
    SOCKETIO_CONNECT_TIMEOUT = float(os.environ.get('SOCKETIO_CONNECT_TIMEOUT', '20'))
    SOCKETIO_MAX_PENDING = int(os.environ.get('SOCKETIO_MAX_PENDING', '2000'))
    SOCKETIO_MAX_MESSAGE_BYTES = int(os.environ.get('SOCKETIO_MAX_MESSAGE_BYTES', str(32 * 1024)))
    SOCKETIO_MAX_TRANSPORT_BYTES = int(os.environ.get('SOCKETIO_MAX_TRANSPORT_BYTES', str(256 * 1024)))
    RATELIMIT_STORAGE_URI = os.environ.get('RATELIMIT_STORAGE_URI', os.environ.get('REDIS_URL') or 'memory://')
    RATELIMIT_HEADERS_ENABLED = True
    #: How many reverse proxies (nginx) stand in front of the app: their X-Forwarded-For/-Proto/-Host are trusted
    #: (Werkzeug's ProxyFix), so limits see each client's address. 0: none (the app is reached directly).
    PROXY_COUNT = int(os.environ.get('PROXY_COUNT', '0'))
    #: Login attempts per client address (only failed ones count), and per account (mobile number or email, known
    #: or not): one address cannot block another, one person cannot use many addresses against one account.
    LOGIN_RATE_LIMIT = os.environ.get('LOGIN_RATE_LIMIT', '20 per minute')
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get('LOGIN_ACCOUNT_RATE_LIMIT', '10 per minute')
    #: Accounts registered per client address.
    REGISTER_RATE_LIMIT = os.environ.get('REGISTER_RATE_LIMIT', '5 per hour')
    #: Change-password attempts per account (a wrong current password also counts toward the account's lockout).
    PASSWORD_CHANGE_RATE_LIMIT = os.environ.get('PASSWORD_CHANGE_RATE_LIMIT', '5 per minute')
    #: A login session's ``last_seen_at`` is written at most this often (seconds), not on every request.
    LOGIN_SESSION_TOUCH_SECONDS = int(os.environ.get('LOGIN_SESSION_TOUCH_SECONDS', '300'))
    #: Touches of login sessions are written together, at most this often per process (``accounts/session.py``).
    LOGIN_SESSION_TOUCH_BATCH_SECONDS = float(os.environ.get('LOGIN_SESSION_TOUCH_BATCH_SECONDS', '2'))
    #: A login session unused for this many days has ended (GB/T 22239-2019: idle sessions time out); the phone
    #: of a resident who takes part every week stays logged in.
    LOGIN_SESSION_IDLE_DAYS = int(os.environ.get('LOGIN_SESSION_IDLE_DAYS', '14'))
    #: Household-code attempts on the claim form, per user.
    HOUSEHOLD_CODE_RATE_LIMIT = os.environ.get('HOUSEHOLD_CODE_RATE_LIMIT', '10 per minute')
    #: Comments per user (consult.comments), counted in the rate limiter's storage.
    COMMENT_RATE_LIMIT = os.environ.get('COMMENT_RATE_LIMIT', '5 per minute')
    #: Requests to the open-data API (/api/v1/) per client address: generous for readers and scripts, not for a crawl.
    API_RATE_LIMIT = os.environ.get('API_RATE_LIMIT', '600 per minute')
    #: "Forgot password" requests (the mailed link) per client address and per mobile number or email, every request
    #: counted; the code form's failures per address and per account.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get('PASSWORD_RESET_RATE_LIMIT', '10 per hour')
    PASSWORD_RESET_ACCOUNT_RATE_LIMIT = os.environ.get('PASSWORD_RESET_ACCOUNT_RATE_LIMIT', '3 per hour')
    RESET_CODE_RATE_LIMIT = os.environ.get('RESET_CODE_RATE_LIMIT', '10 per hour')
    RESET_CODE_ACCOUNT_RATE_LIMIT = os.environ.get('RESET_CODE_ACCOUNT_RATE_LIMIT', '5 per hour')
    #: A mailed reset link works this many minutes; a staff-issued code this many hours, and stops working after
    #: this many wrong tries (staff issue a new one).
    PASSWORD_RESET_LINK_MINUTES = int(os.environ.get('PASSWORD_RESET_LINK_MINUTES', '30'))
    PASSWORD_RESET_CODE_HOURS = int(os.environ.get('PASSWORD_RESET_CODE_HOURS', '24'))
    PASSWORD_RESET_CODE_MAX_FAILURES = int(os.environ.get('PASSWORD_RESET_CODE_MAX_FAILURES', '5'))
    #: Failed logins in a row before the account is locked, and for how long.
    LOGIN_MAX_FAILURES = int(os.environ.get('LOGIN_MAX_FAILURES', '5'))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get('LOGIN_LOCKOUT_MINUTES', '15'))

    BABEL_DEFAULT_LOCALE = 'zh_Hans'
    BABEL_DEFAULT_TIMEZONE = os.environ.get('TIMEZONE', 'Asia/Shanghai')
    LANGUAGES = ('zh_Hans', 'zh_Hant', 'en')

    SESSION_COOKIE_NAME = 'consult_session'
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = 'Lax'
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = 'Lax'
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    #: Roster CSV uploads larger than this are refused before parsing.
    ROSTER_MAX_BYTES = 2 * 1024 * 1024
    #: Topic attachments: each file, how many per topic, and all of a topic's files together. The topic
    #: form's request may be as large as the total plus ATTACHMENT_FORM_OVERHEAD (other routes keep
    #: MAX_CONTENT_LENGTH); larger requests get the 413 page.
    ATTACHMENT_MAX_BYTES = int(os.environ.get('ATTACHMENT_MAX_BYTES', str(10 * 1024 * 1024)))
    ATTACHMENT_MAX_COUNT = int(os.environ.get('ATTACHMENT_MAX_COUNT', '10'))
    ATTACHMENT_MAX_TOTAL_BYTES = int(os.environ.get('ATTACHMENT_MAX_TOTAL_BYTES', str(30 * 1024 * 1024)))
    ATTACHMENT_FORM_OVERHEAD = 1024 * 1024
    #: Where attachment files live (content-addressed); None: ``<instance>/uploads``.
    ATTACHMENT_DIR = os.environ.get('ATTACHMENT_DIR')
    MAIL_SERVER = os.environ.get('MAIL_SERVER')
    #: Production serves ``STATIC_BUILD_DIR`` (default ``<instance>/static``, made by ``flask static build``) with
    #: content-hashed names cached for a year, gzip, and STATIC_MAX_AGE seconds for the plain names
    #: (``consult/static_files.py``).
    STATIC_HASHED = False
    STATIC_BUILD_DIR = os.environ.get('STATIC_BUILD_DIR')
    STATIC_MAX_AGE = int(os.environ.get('STATIC_MAX_AGE', '300'))
    #: Every server process opens and closes votes at their times, checking this often (seconds; 0: off).
    VOTE_CLOSER_SECONDS = 2
    #: The transparency log's Ed25519 signing key: base64 of the 32-byte private seed (``flask archive new-key``
    #: prints one). Unset: development makes one once in the instance folder; production refuses to start.
    TRANSPARENCY_SIGNING_KEY = os.environ.get('TRANSPARENCY_SIGNING_KEY')


class DevelopmentConfig(Config):
    """``make run``: plain HTTP on 127.0.0.1, so cookies cannot be Secure."""

    SESSION_COOKIE_SECURE = _env_bool('SESSION_COOKIE_SECURE', False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SOCKETIO_ASYNC_MODE = os.environ.get('SOCKETIO_ASYNC_MODE', 'threading')


class ProductionConfig(Config):
    """Behind nginx with TLS; PostgreSQL and Redis given through the environment."""

    #: Garbage collection for a long-lived server holding many sockets (consult/collector.py): what the app built at
    #: start is frozen out of every collection, and the young generation is collected every 50,000 net
    #: allocations instead of 700. With 1,000 people in a room, full collections otherwise came every 2-3 s
    #: and held the gevent hub for 160-500 ms each (bench/live/README.md).
    STATIC_HASHED = _env_bool('STATIC_HASHED', True)
    GC_FREEZE = True
    GC_THRESHOLDS = (10_000, 10, 100)
    #: Seconds with no socket leaving before the memory the departed ones freed goes back to the system
    #: (consult/collector.py): past the ping interval and the ping timeout, which keep a closed socket a while.
    MALLOC_TRIM_AFTER = Config.SOCKETIO_PING_INTERVAL + Config.SOCKETIO_PING_TIMEOUT


class TestingConfig(Config):
    """Tests: a throwaway database, no outside world unless TEST_* variables point at local services."""

    TESTING = True
    SECRET_KEY = 'test-secret-key-not-for-production'  # noqa: S105 - fixed for reproducible tests
    SQLALCHEMY_DATABASE_URI = os.environ.get('TEST_DATABASE_URL')  # None: a temp SQLite file (conftest)
    REDIS_URL = os.environ.get('TEST_REDIS_URL')
    SOCKETIO_MESSAGE_QUEUE = None
    SOCKETIO_ASYNC_MODE = 'threading'
    #: SQLAlchemy's own defaults: the suite builds many apps on one server, each keeping its idle connections.
    DATABASE_POOL_SIZE = 5
    DATABASE_MAX_OVERFLOW = 10
    RATELIMIT_STORAGE_URI = os.environ.get('TEST_REDIS_URL') or 'memory://'
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_SERVER = None
    #: Presence and quorum pushes go out at once in tests (no trailing background push).
    LIVE_COALESCE_SECONDS = 0
    # Tests open and close votes by calling the closer themselves.
    VOTE_CLOSER_SECONDS = 0
    #: A login session's touch is written by the request that made it (``test_sessions`` checks the batches).
    LOGIN_SESSION_TOUCH_BATCH_SECONDS = 0
    #: A key of the test run's own.
    TRANSPARENCY_SIGNING_KEY = new_signing_key()


CONFIGS = {
    'development': DevelopmentConfig,
    'production': ProductionConfig,
    'testing': TestingConfig,
}


def config_from_env() -> type[Config]:
    """Pick the config class named by ``CONSULT_ENV`` (default: development)."""
    return CONFIGS[os.environ.get('CONSULT_ENV', 'development')]
