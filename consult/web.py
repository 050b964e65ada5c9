"""Helpers for the HTTP edge: the one place a route's transaction is committed or rolled back."""

from collections.abc import Callable
from typing import Any
from typing import NamedTuple

from flask import flash
from flask import redirect
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from consult import submissions
from consult.db import db
from consult.kernel.refusals import Refusal


def attempt(operation: Callable[..., Any], *args, **kwargs) -> tuple[Any, Refusal | None]:
    """Run an operation and commit; on a :class:`Refusal`, roll back so nothing is half-saved.

    :return: ``(result, None)`` after a commit, or ``(None, refusal)`` after a rollback.
    """
    try:
        result = operation(*args, **kwargs)
    except Refusal as refusal:
        db.session.rollback()
        return None, refusal
    db.session.commit()
    return result, None


class Once(NamedTuple):
    """What :func:`attempt_once` did: created ``result``, was refused, or found an ``earlier`` post."""

    result: Any = None
    refusal: Refusal | None = None
    #: The id of what an earlier post of the same form created (nothing was created this time).
    earlier: int | None = None


def attempt_once(form, kind: str, operation: Callable[..., Any], *args, **kwargs) -> Once:
    """Like :func:`attempt`, for a creating form: its one-time token creates one object, whatever the timing.

    The token (``form.submission_token``, see :class:`consult.forms.OnceForm`) is stored in the transaction
    before the operation runs and linked to what it returns (by its ``id``); a repeat creates nothing
    (see :mod:`consult.submissions`). A post without a well-formed token is not protected.
    """
    token = form.submission_token.data
    if not submissions.is_token(token):
        result, refusal = attempt(operation, *args, **kwargs)
        return Once(result, refusal)
    user_id = current_user.id if current_user.is_authenticated else None
    row, first = submissions.take(token, kind, user_id)
    if not first:
        mine = row.kind == kind and row.user_id == user_id and row.object_id is not None
        earlier = row.object_id
        db.session.rollback()
        if not mine:
            # Not this person's earlier post: nothing to show them; the form is re-rendered with a fresh token.
            form.submission_token.data = submissions.new_token()
            return Once(
                refusal=Refusal(_('This form was already used; check it and send it again.'), code='token_used')
            )
        return Once(earlier=earlier)
    try:
        result = operation(*args, **kwargs)
    except Refusal as refusal:
        db.session.rollback()
        return Once(refusal=refusal)
    row.object_id = getattr(result, 'id', None)  # without one, a repeat is told to check and send again
    db.session.commit()
    return Once(result)


def submitted_before(form, kind: str) -> int | None:
    """On a POST, the id of what an earlier post of this very form (same token, same person) created.

    For a route whose own checks would refuse the repeat once the first post has changed the state (a
    redirected topic can no longer be redirected): ask this before them. :func:`attempt_once` still decides
    for posts that arrive together.
    """
    if request.method != 'POST' or not submissions.is_token(form.submission_token.data):
        return None
    row = submissions.earlier(form.submission_token.data)
    user_id = current_user.id if current_user.is_authenticated else None
    if row is None or row.kind != kind or row.user_id != user_id:
        return None
    return row.object_id


def already_submitted(url: str):
    """The answer to a repeated post: what the first post created, and why the page did not change."""
    flash(_('This form was already submitted; nothing new was created. Here is what it created.'), 'info')
    return redirect(url)
