"""The user account. Real name, birth date and mobile number are private (see ``consult.security``)."""

from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class User(UserMixin, db.Model):
    __tablename__ = 'users'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Login identifiers: at least one of the two is set (checked by ``ck_users_has_login``).
    mobile: so.Mapped[str | None] = so.mapped_column(sa.String(20), unique=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: The only name other residents see.
    display_name: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: Private: seen by the resident and by staff verifying residence.
    real_name: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: Private: eligibility (age) is computed from it, never typed.
    birth_date: so.Mapped[date] = so.mapped_column(sa.Date)
    #: Explicit language choice; None follows the browser.
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    #: Large text (the root font size at 125 %), carried to every device the person logs in on.
    large_text: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    failed_logins: so.Mapped[int] = so.mapped_column(default=0, server_default='0')
    locked_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Bumped on password change so other sessions are logged out.
    session_version: so.Mapped[int] = so.mapped_column(default=1, server_default='1')
    active: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    __table_args__ = (sa.CheckConstraint('mobile IS NOT NULL OR email IS NOT NULL', name='has_login'),)

    @property
    def is_active(self) -> bool:
        return self.active

    #: The login session this request runs in (``LoginSession.key``), set by the user loader and at login.
    login_key = None

    def get_id(self) -> str:
        # Flask-Login keeps this in the cookie; the loader finds the user through the live login session.
        return f'{self.id}:{self.login_key}'

    def __repr__(self):
        return f'<User {self.id} {self.display_name}>'


class LoginSession(db.Model):
    """One login on one device: the cookie names it, and it ends at logout, password change or "log out others"."""

    __tablename__ = 'login_sessions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The random identifier kept in the session cookie (never shown: the sessions page uses ``id``).
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Updated at most every ``LOGIN_SESSION_TOUCH_SECONDS``, not on every request.
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Browser and system, e.g. "Chrome · Android" (``consult.accounts.sessions.describe_agent``).
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(80), default='', server_default='')
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def __repr__(self):
        return f'<LoginSession {self.id} user={self.user_id}{" revoked" if self.revoked_at else ""}>'


class PasswordReset(db.Model):
    """A way back in without the password: a link mailed to the account's email, or a code staff hand over.

    Only the SHA-256 of the secret is kept; the link's token or the code is shown (or mailed) once. A reset is
    used once (``used_at``); a code stops working after ``PASSWORD_RESET_CODE_MAX_FAILURES`` wrong tries.
    """

    __tablename__ = 'password_resets'

    MAIL = 'mail'
    CODE = 'code'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: ``mail`` (a link sent to the account's email) or ``code`` (issued by committee staff, handed over in person).
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: Hex SHA-256 of the link's token or of ``<user id>:<code>``.
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    #: The staff member who issued a code (None for a mailed link).
    issued_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: Set when it was used, or replaced by a newer one of the same kind: it no longer works.
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Wrong codes typed for this reset (counted by the database).
    failures: so.Mapped[int] = so.mapped_column(default=0, server_default='0')

    def __repr__(self):
        return f'<PasswordReset {self.id} {self.kind} user={self.user_id}{" used" if self.used_at else ""}>'
