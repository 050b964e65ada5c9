"""Password hashing, text sanitising and HTTP security headers."""

import html
import os
import re
import secrets
import unicodedata

import nh3
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError


def make_password_hasher() -> PasswordHasher:
    """Argon2id with the library's defaults (m=64 MiB, t=3, p=4: above OWASP's m=19 MiB, t=2, p=1)."""
    return PasswordHasher()


password_hasher = make_password_hasher()
_dummy = {}
_pool = {}

_CONTROL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


def _off_the_loop(function, *args):
    """Run ``function(*args)`` in a real OS thread when the server runs on gevent, else here.

    Argon2id takes about 0.4 s of CPU; on the gevent loop it would stop every request and socket of the process
    for that long (10 parallel logins held a live-room ping for seconds). The hash releases the GIL, so in a
    thread of a gevent thread pool (``_hashing_pool``) the loop keeps serving while it runs. Without gevent's
    monkey-patching (threading mode, tests, the CLI) each request already has its own thread. A transaction that
    has only read is ended first (``consult.db.end_read_only_transaction``), so no connection or lock waits too.
    """
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a production dependency
        return function(*args)
    if not monkey.is_module_patched('threading'):
        return function(*args)
    from flask import has_app_context

    if has_app_context():
        from consult.db import end_read_only_transaction

        end_read_only_transaction()  # no connection or SQLite lock held while the loop serves others
    return _hashing_pool().apply(function, args)


def _hashing_pool():
    """Threads for password hashing, one per CPU: more would only take CPU time from the loop's own thread."""
    import gevent.threadpool

    pool = _pool.get('pool')
    if pool is None:
        pool = _pool['pool'] = gevent.threadpool.ThreadPool(maxsize=max(2, os.cpu_count() or 2))
    return pool


def hash_password(password: str) -> str:
    """Hash a password with Argon2id (off the event loop)."""
    return _off_the_loop(password_hasher.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether ``password`` matches ``password_hash``, never raising on a bad hash (off the event loop)."""
    return _off_the_loop(_verify, password_hash, password)


def dummy_hash() -> str:
    """A hash with the current parameters that no password matches: checked for logins without an account, so
    they take as long as those with one."""
    hasher = password_hasher
    if _dummy.get('hasher') is not hasher:
        _dummy['hash'] = _off_the_loop(hasher.hash, secrets.token_urlsafe(32))
        _dummy['hasher'] = hasher
    return _dummy['hash']


def clean_text(value: str | None) -> str:
    """Turn user input into plain text: no markup, no control characters, NFC, trimmed.

    Tags are removed with nh3; the result is stored as plain text and Jinja escapes it on render.
    """
    if not value:
        return ''
    value = unicodedata.normalize('NFC', value)
    value = _CONTROL.sub('', value)
    value = html.unescape(nh3.clean(value, tags=set()))
    return value.strip()


CSP = '; '.join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    """Add the CSP (no inline script) and the other security headers to every response."""
    headers = response.headers
    headers.setdefault('Content-Security-Policy', CSP)
    headers.setdefault('X-Content-Type-Options', 'nosniff')
    headers.setdefault('X-Frame-Options', 'DENY')
    headers.setdefault('Referrer-Policy', 'same-origin')
    headers.setdefault('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=()')
    headers.setdefault('Cross-Origin-Opener-Policy', 'same-origin')
    from flask import current_app

    if current_app.config.get('SESSION_COOKIE_SECURE'):
        headers.setdefault('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    return response


def mask_mobile(mobile: str | None) -> str:
    """Show a mobile number as ``138****5678`` for staff who need to recognise, not to call, a resident."""
    if not mobile:
        return ''
    if len(mobile) < 7:
        return '*' * len(mobile)
    return f'{mobile[:3]}****{mobile[-4:]}'
