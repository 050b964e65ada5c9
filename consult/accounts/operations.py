"""Account operations. They flush, never commit; the route commits once."""

import math
import secrets
from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.accounts import limits
from consult.accounts import logger
from consult.accounts.guards import LOGIN_LOCKOUT
from consult.accounts.guards import NEW_PASSWORD
from consult.accounts.guards import ONE_ACCOUNT
from consult.accounts.models import LoginSession
from consult.accounts.models import User
from consult.accounts.session import describe_agent
from consult.accounts.session import forget_key
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.rooms import login_room
from consult.security import clean_text
from consult.security import dummy_hash
from consult.security import hash_password
from consult.security import verify_password
from consult.socket_ends import end_after_commit


def find_by_identifier(identifier: str) -> User | None:
    """Return the user whose mobile number or email is ``identifier``."""
    column = User.email if '@' in identifier else User.mobile
    return db.session.scalar(sa.select(User).where(column == identifier))


def register_user(identifier: str, password: str, display_name: str, real_name: str, birth_date: date) -> User:
    """Create an account.

    :raises Refusal: if the identifier is taken, a name is empty after cleaning, or the birth date is impossible.
    """
    display_name = clean_text(display_name)
    real_name = clean_text(real_name)
    if not display_name or not real_name:
        raise Refusal(_('Names cannot be empty or consist only of markup.'), code='empty_name')
    today = utcnow().date()
    if birth_date > today or birth_date.year < today.year - 130:
        raise Refusal(_('The birth date is not possible.'), code='bad_birth_date')
    if find_by_identifier(identifier) is not None:
        raise Refusal(_('An account with this mobile number or email already exists.'), ONE_ACCOUNT, code='duplicate')
    user = User(
        mobile=None if '@' in identifier else identifier,
        email=identifier if '@' in identifier else None,
        password_hash=hash_password(password),
        display_name=display_name,
        real_name=real_name,
        birth_date=birth_date,
    )
    try:
        with db.session.begin_nested():  # a concurrent registration of the same identifier loses here
            db.session.add(user)
    except IntegrityError as exc:
        raise Refusal(
            _('An account with this mobile number or email already exists.'), ONE_ACCOUNT, code='duplicate'
        ) from exc
    logger.info('user %s registered', user.id)
    return user


def _locked_refusal(minutes: int) -> Refusal:
    return Refusal(
        _(
            'This account is locked after too many failed attempts. Try again in %(minutes)s minutes.',
            minutes=minutes,
        ),
        LOGIN_LOCKOUT,
        code='locked',
    )


def _lock_minutes_left(user: User) -> int | None:
    now = utcnow()
    if user.locked_until is None or user.locked_until <= now:
        return None
    return max(1, math.ceil((user.locked_until - now).total_seconds() / 60))


def record_failure(user: User, *, max_failures: int, lockout_minutes: int) -> bool:
    """Count a failed password for ``user`` in one statement; lock the account at ``max_failures`` in a row.

    The count is incremented by the database (``UPDATE ... SET failed_logins = failed_logins + 1 RETURNING``),
    so parallel guesses are all counted; the request whose count reaches the limit locks the account.

    :return: whether this failure locked the account.
    """
    failures = db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    locked = failures >= max_failures
    if locked:
        db.session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(locked_until=utcnow() + timedelta(minutes=lockout_minutes), failed_logins=0)
            .execution_options(synchronize_session=False)
        )
        logger.warning('user %s locked after %s failed password attempts', user.id, max_failures)
    db.session.expire(user, ['failed_logins', 'locked_until'])
    return locked


def authenticate(identifier: str, password: str, *, max_failures: int, lockout_minutes: int) -> User:
    """Check a login; count failures and lock the account after ``max_failures`` in a row.

    An identifier without an account is answered the same way, in the same time: its password is checked
    against a dummy hash and its failures are counted (``limits.unknown_failed``), so it locks too. The caller
    commits in every case, so failures are remembered.

    :raises Refusal: ``locked`` while the account is locked, ``bad_credentials`` otherwise.
    """
    user = find_by_identifier(identifier)
    minutes = limits.unknown_locked_minutes(identifier) if user is None else _lock_minutes_left(user)
    if minutes is not None:
        raise _locked_refusal(minutes)
    matches = verify_password(user.password_hash if user is not None else dummy_hash(), password)
    if user is None or not user.active or not matches:
        if user is None:
            limits.unknown_failed(identifier, max_failures, lockout_minutes)
        else:
            record_failure(user, max_failures=max_failures, lockout_minutes=lockout_minutes)
        raise Refusal(_('The mobile number, email or password is wrong.'), code='bad_credentials')
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str, *, max_failures: int, lockout_minutes: int) -> None:
    """Set a new password; the user's other login sessions end (``end_other_sessions``, by the route).

    A wrong current password counts toward the account's lockout, as a failed login does; the caller commits
    on refusal too, so it is remembered.

    :raises Refusal: ``locked`` while the account is locked, ``bad_credentials`` if ``current`` is wrong,
        ``same_password`` if ``new`` equals it.
    """
    minutes = _lock_minutes_left(user)
    if minutes is not None:
        raise _locked_refusal(minutes)
    if not verify_password(user.password_hash, current):
        record_failure(user, max_failures=max_failures, lockout_minutes=lockout_minutes)
        raise Refusal(_('The current password is wrong.'), code='bad_credentials')
    if current == new:
        raise Refusal(_('The new password must differ from the current one.'), NEW_PASSWORD, code='same_password')
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.session_version = User.session_version + 1  # in the database: concurrent changes both count
    db.session.flush()
    logger.info('user %s changed password', user.id)


def set_locale(user: User | None, locale: str | None) -> None:
    """Remember a language choice on the account (the route also keeps it in the session)."""
    if user is not None:
        user.locale = locale
        db.session.flush()


def set_large_text(user: User | None, large: bool) -> None:
    """Remember the text size on the account (the route also keeps it in a cookie, for this device)."""
    if user is not None:
        user.large_text = large
        db.session.flush()


def start_session(user: User, user_agent: str | None) -> LoginSession:
    """Open a login session for ``user`` (the route puts its key in the cookie).

    :param user_agent: the browser's User-Agent header; only a summary is kept (``describe_agent``).
    """
    login = LoginSession(key=secrets.token_urlsafe(32), user_id=user.id, user_agent=describe_agent(user_agent))
    db.session.add(login)
    db.session.flush()
    user.login_key = login.key
    logger.info('user %s started login session %s', user.id, login.id)
    return login


def end_session(key: str | None) -> None:
    """End a login session (logout): its cookie no longer logs in, its sockets are disconnected after commit."""
    if not key:
        return
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.key == key, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    forget_key(key)
    end_after_commit(login_room(key))


def end_other_sessions(user: User, keep_key: str | None) -> int:
    """End every live login session of ``user`` but ``keep_key`` (password change, "log out other devices").

    :return: how many sessions ended.
    """
    keys = db.session.scalars(
        sa.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None), LoginSession.key != (keep_key or ''))
        .values(revoked_at=utcnow())
        .returning(LoginSession.key)
        .execution_options(synchronize_session=False)
    ).all()
    for key in keys:
        forget_key(key)
        end_after_commit(login_room(key))
    logger.info('user %s ended %s other login session(s)', user.id, len(keys))
    return len(keys)
