"""One-time submission tokens: a creating form posted twice creates one object.

A creating form (:class:`consult.forms.OnceForm`) carries a random token, new at each render. The route's
transaction stores the token under a UNIQUE constraint *before* it creates anything
(:func:`consult.web.attempt_once`) and then records what it created. A second post of the same page, after
the first or at the same moment, cannot store the token again: on PostgreSQL its INSERT waits on the unique
index until the first transaction ends, then fails, and the second request is sent to what the first created.
If the first was refused, its rollback took the token with it and the form can be posted again.

A token outlives its use only as long as the page that carries it can still be posted: the form's CSRF token
expires after ``WTF_CSRF_TIME_LIMIT``, so ``flask submissions purge`` (a daily timer) deletes older tokens.
"""

import re
import secrets
from datetime import datetime
from datetime import timedelta

import click
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

#: What :func:`new_token` makes (``token_urlsafe(24)``: 32 characters); anything else is not a token of ours.
TOKEN_PATTERN = re.compile(r'[A-Za-z0-9_-]{32}')


class Submission(db.Model):
    """A form post that created something; its token can create nothing more."""

    __tablename__ = 'submissions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The form's one-time token (random, per render); unique, so a second post of it fails to store it.
    token: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    #: What the form creates (``topic``, ``petition``, ``meeting``, ...); a repeat is sent to that object.
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: The id of what the first post created (set in the same transaction).
    object_id: so.Mapped[int | None]
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f'<Submission {self.id} {self.kind} #{self.object_id}>'


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_token(value) -> bool:
    return isinstance(value, str) and TOKEN_PATTERN.fullmatch(value) is not None


def take(token: str, kind: str, user_id: int | None) -> tuple[Submission, bool]:
    """Store ``token`` in the current transaction; flush, never commit.

    :return: ``(row, True)`` when this post is the first (the caller creates, then sets ``row.object_id``),
        or ``(earlier, False)`` when the token was stored before: by a committed post, or by a concurrent one
        this call waited for.
    """
    row = Submission(token=token, kind=kind, user_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = earlier(token)
        if row is None:  # pragma: no cover - the row that collided is committed, so it is visible
            raise
        return row, False
    return row, True


def earlier(token: str) -> Submission | None:
    """The stored post of ``token``, if any."""
    return db.session.scalar(sa.select(Submission).where(Submission.token == token))


def purge(before: datetime) -> int:
    """Delete the tokens stored before ``before``; flush, never commit. Return how many."""
    return db.session.execute(sa.delete(Submission).where(Submission.created_at < before)).rowcount


def stale_before(now: datetime) -> datetime:
    """Tokens stored before this can no longer be posted again: the page's CSRF token has expired (twice over)."""
    return now - 2 * timedelta(seconds=current_app.config['WTF_CSRF_TIME_LIMIT'] or 24 * 3600)


submissions_cli = AppGroup('submissions', help='One-time form tokens.')


@submissions_cli.command('purge')
def purge_command():
    """Delete form tokens whose page can no longer be posted (idempotent; for a daily timer)."""
    count = purge(stale_before(utcnow()))
    db.session.commit()
    click.echo(_('%(count)s form token(s) deleted.', count=count))
