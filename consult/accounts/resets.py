"""Password resets without SMS: a link mailed to the account's email, or a one-time code committee staff issue.

Only the SHA-256 of a link's token or of a code is stored. A reset works once: it is taken by one conditional
``UPDATE ... WHERE used_at IS NULL AND expires_at > now``, so of two concurrent uses one wins. Using one sets the
new password, clears the failed-login count and lock, and ends every login session of the account (their sockets
are disconnected after the commit). Operations flush, never commit.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.accounts import logger
from consult.accounts.guards import RESET_CODE_TRIES
from consult.accounts.models import PasswordReset
from consult.accounts.models import User
from consult.accounts.operations import end_other_sessions
from consult.accounts.operations import find_by_identifier
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.security import hash_password

#: Digits of a staff-issued code (10^8 codes; a code stops working after a few wrong tries).
CODE_DIGITS = 8


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _code_digest(user_id: int, code: str) -> str:
    return _digest(f'{user_id}:{code}')


def _retire(user_id: int, kind: str) -> None:
    """End the user's unused resets of ``kind``: only the newest link or code works."""
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.kind == kind, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def request_link(identifier: str, *, minutes: int) -> tuple[User, str] | None:
    """Make a reset link's token for the account of ``identifier`` if it has an email to send it to.

    :return: ``(user, token)`` to mail to ``user.email``, or None (no such account, no email, or disabled);
        the caller answers the same in every case.
    """
    user = find_by_identifier(identifier)
    if user is None or not user.active or not user.email:
        return None
    _retire(user.id, PasswordReset.MAIL)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=user.id,
            kind=PasswordReset.MAIL,
            secret_hash=_digest(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    db.session.flush()
    logger.info('user %s asked for a password reset link', user.id)
    return user, token


def link_is_valid(token: str) -> bool:
    """Whether ``token`` is a reset link's that is unused and unexpired (the form is shown only then)."""
    return (
        db.session.scalar(
            sa.select(PasswordReset.id).where(
                PasswordReset.secret_hash == _digest(token or ''),
                PasswordReset.kind == PasswordReset.MAIL,
                PasswordReset.used_at.is_(None),
                PasswordReset.expires_at > utcnow(),
            )
        )
        is not None
    )


def _bad_link() -> Refusal:
    return Refusal(_('This link has expired or has already been used. Ask for a new one.'), code='bad_link')


def _take(*criteria) -> int | None:
    """Mark the one live reset matching ``criteria`` used; return its user's id (None if there is none)."""
    return db.session.execute(
        sa.update(PasswordReset)
        .where(*criteria, PasswordReset.used_at.is_(None), PasswordReset.expires_at > utcnow())
        .values(used_at=utcnow())
        .returning(PasswordReset.user_id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def _set_password(user: User, new: str) -> None:
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    user.session_version = User.session_version + 1
    db.session.flush()
    end_other_sessions(user, keep_key=None)


def reset_with_link(token: str, new: str) -> User:
    """Set ``new`` as the password of the link's account; every login session of it ends.

    :raises Refusal: ``bad_link`` if the link is unknown, expired or used.
    """
    user_id = _take(PasswordReset.secret_hash == _digest(token or ''), PasswordReset.kind == PasswordReset.MAIL)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise _bad_link()
    _set_password(user, new)
    logger.info('user %s reset the password by mailed link', user.id)
    return user


def issue_code(actor, user: User, *, hours: int) -> str:
    """Issue a one-time reset code for ``user`` (the caller checked ``accounts.issue_reset_code`` and audits it).

    Earlier unused codes of the user stop working.

    :return: the code, to show once to ``actor``, who hands it over in person.
    """
    _retire(user.id, PasswordReset.CODE)
    code = f'{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}'
    db.session.add(
        PasswordReset(
            user_id=user.id,
            kind=PasswordReset.CODE,
            secret_hash=_code_digest(user.id, code),
            issued_by_id=actor.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.session.flush()
    logger.info('user %s issued a password reset code for user %s', actor.id, user.id)
    return code


def _bad_code() -> Refusal:
    return Refusal(
        _('The mobile number or code is wrong, or the code is no longer valid.'), RESET_CODE_TRIES, code='bad_code'
    )


def reset_with_code(identifier: str, code: str, new: str, *, max_failures: int) -> User:
    """Set ``new`` as the password of ``identifier``'s account if ``code`` is its live reset code.

    A wrong code is counted on the live code in one statement (``failures + 1``); at ``max_failures`` the code
    stops working. An unknown identifier is refused with the same message. The caller commits on refusal too.

    :raises Refusal: ``bad_code``.
    """
    user = find_by_identifier(identifier)
    live = (
        PasswordReset.kind == PasswordReset.CODE,
        PasswordReset.failures < max_failures,
    )
    if user is None or not user.active:
        _digest(code)  # the same work as for an account
        raise _bad_code()
    user_id = _take(PasswordReset.user_id == user.id, PasswordReset.secret_hash == _code_digest(user.id, code), *live)
    if user_id is None:
        failures = db.session.execute(
            sa.update(PasswordReset)
            .where(PasswordReset.user_id == user.id, *live, PasswordReset.used_at.is_(None))
            .values(failures=PasswordReset.failures + 1)
            .returning(PasswordReset.failures)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if failures is not None and failures >= max_failures:
            logger.warning('user %s: reset code stopped after %s wrong tries', user.id, failures)
        raise _bad_code()
    _set_password(user, new)
    logger.info('user %s reset the password with a staff-issued code', user.id)
    return user
