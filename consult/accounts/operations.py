"""Account operations. They flush, never commit; the route commits once."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.accounts import logger
from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.security import clean_text
from consult.security import hash_password
from consult.security import verify_password


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
        raise Refusal(_('An account with this mobile number or email already exists.'), code='duplicate')
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
        raise Refusal(_('An account with this mobile number or email already exists.'), code='duplicate') from exc
    logger.info('user %s registered', user.id)
    return user


def authenticate(identifier: str, password: str, *, max_failures: int, lockout_minutes: int) -> User:
    """Check a login; count failures and lock the account after ``max_failures`` in a row.

    The caller commits in every case, so failures are remembered.

    :raises Refusal: ``locked`` while the account is locked, ``bad_credentials`` otherwise.
    """
    user = find_by_identifier(identifier)
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Refusal(
            _(
                'This account is locked after too many failed attempts. Try again in %(minutes)s minutes.',
                minutes=minutes,
            ),
            code='locked',
        )
    if user is None or not user.active or not verify_password(user.password_hash, password):
        if user is not None:
            # In the database, not from the loaded value: concurrent failures must each count (a lost
            # update would let a guesser try more than ``max_failures`` passwords before the lock).
            failures = db.session.execute(
                sa.update(User)
                .where(User.id == user.id)
                .values(failed_logins=User.failed_logins + 1)
                .returning(User.failed_logins)
                .execution_options(synchronize_session=False)
            ).scalar_one()
            if failures >= max_failures:
                db.session.execute(
                    sa.update(User)
                    .where(User.id == user.id)
                    .values(locked_until=now + timedelta(minutes=lockout_minutes), failed_logins=0)
                    .execution_options(synchronize_session=False)
                )
                logger.warning('user %s locked after %s failed logins', user.id, max_failures)
            db.session.expire(user, ['failed_logins', 'locked_until'])
        raise Refusal(_('The mobile number, email or password is wrong.'), code='bad_credentials')
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password; other sessions of the user end.

    :raises Refusal: if ``current`` is wrong or ``new`` equals it.
    """
    if not verify_password(user.password_hash, current):
        raise Refusal(_('The current password is wrong.'), code='bad_credentials')
    if current == new:
        raise Refusal(_('The new password must differ from the current one.'), code='same_password')
    user.password_hash = hash_password(new)
    user.session_version = User.session_version + 1  # in the database: concurrent changes both count
    db.session.flush()
    logger.info('user %s changed password', user.id)


def set_locale(user: User | None, locale: str | None) -> None:
    """Remember a language choice on the account (the route also keeps it in the session)."""
    if user is not None:
        user.locale = locale
        db.session.flush()
