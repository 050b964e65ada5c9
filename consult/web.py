"""Helpers for the HTTP edge: the one place a route's transaction is committed or rolled back."""

from collections.abc import Callable
from typing import Any

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
