"""Rate limits of the account forms, and the failure count of identifiers that have no account.

Limits are keyed so that one person cannot lock others out: logins by client address (the real one, through
``PROXY_COUNT``) and by the account tried; registrations by address; password changes by account; "forgot password" requests (each one) and reset-code
failures by address and by the mobile number or email given.

A wrong password for an unknown mobile number or email is counted like one for an account (in the limiter's
storage, keyed by the identifier), so "locked" appears after the same number of failures and nobody can tell
from the answers which numbers have accounts.
"""

import math
import time

from flask import current_app
from flask import request
from flask_login import current_user

from consult.accounts.forms import normalise_identifier
from consult.extensions import limiter

#: Failures of an unknown identifier are forgotten after a day without one.
_UNKNOWN_FAILURES_TTL = 24 * 3600


def login_address_limit() -> str:
    return current_app.config['LOGIN_RATE_LIMIT']


def login_account_limit() -> str:
    return current_app.config['LOGIN_ACCOUNT_RATE_LIMIT']


def login_account_key() -> str:
    return 'account:' + normalise_identifier(request.form.get('identifier'))[:254]


def register_limit() -> str:
    return current_app.config['REGISTER_RATE_LIMIT']


def password_change_limit() -> str:
    return current_app.config['PASSWORD_CHANGE_RATE_LIMIT']


def password_change_key() -> str:
    return f'user:{current_user.id}' if current_user.is_authenticated else 'anonymous'


def reset_limit() -> str:
    return current_app.config['PASSWORD_RESET_RATE_LIMIT']


def reset_account_limit() -> str:
    return current_app.config['PASSWORD_RESET_ACCOUNT_RATE_LIMIT']


def reset_account_key() -> str:
    return 'reset:' + normalise_identifier(request.form.get('identifier'))[:254]


def reset_code_limit() -> str:
    return current_app.config['RESET_CODE_RATE_LIMIT']


def reset_code_account_limit() -> str:
    return current_app.config['RESET_CODE_ACCOUNT_RATE_LIMIT']


def failed_attempt(response) -> bool:
    """Count only failed logins: people behind one NAT (or on many devices) who log in fine do not use it up."""
    return response.status_code != 302


def account_made(response) -> bool:
    """Count registrations that made an account (a form sent back with an error costs nothing)."""
    return response.status_code == 302


def _storage():
    return limiter.storage if limiter.enabled else None


def _keys(identifier: str) -> tuple[str, str]:
    return f'consult/login-failures/{identifier}', f'consult/login-lock/{identifier}'


def unknown_locked_minutes(identifier: str) -> int | None:
    """Minutes left on the lock of an identifier without an account, or None if it is not locked."""
    storage = _storage()
    if storage is None:
        return None
    _failures, lock = _keys(identifier)
    if storage.get(lock) <= 0:
        return None
    return max(1, math.ceil((storage.get_expiry(lock) - time.time()) / 60))


def unknown_failed(identifier: str, max_failures: int, lockout_minutes: int) -> None:
    """Count a failed login for an identifier without an account; lock it after ``max_failures`` in a row."""
    storage = _storage()
    if storage is None:
        return
    failures, lock = _keys(identifier)
    if storage.incr(failures, _UNKNOWN_FAILURES_TTL) >= max_failures:
        storage.incr(lock, lockout_minutes * 60)
        storage.clear(failures)
