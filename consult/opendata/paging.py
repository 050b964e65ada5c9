"""Keyset pagination on ids with opaque cursors, and the API's parameter errors (400, in the user's language).

A page is the rows with ``id`` greater than the cursor's, in id order, ``limit`` + 1 of them fetched to know
whether a next page exists. Rows inserted while a client pages get larger ids: they come at the end, so
no row is seen twice and none is skipped. The cursor is the last id shown, encoded so clients treat it as
opaque (its format may change; ``c1`` names this one).
"""

import base64
import binascii
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.inputs import MAX_INT
from consult.inputs import parse_int

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
#: How many rows a CSV export reads per statement (the export is paginated at the source too).
EXPORT_BATCH = 500
_CURSOR_PREFIX = 'c1:'
_CURSOR_MAX = 64
_CURSOR_SHAPE = re.compile(r'[A-Za-z0-9_-]{1,64}')


class BadParameter(Exception):
    """A query parameter the API cannot use: answered 400 with ``message`` and the parameter's name."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def encode_cursor(last_id: int) -> str:
    raw = f'{_CURSOR_PREFIX}{last_id}'.encode('ascii')
    return base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')


def decode_cursor(text: str | None) -> int:
    """The id after which the page starts (0: from the first row); :class:`BadParameter` if malformed."""
    if text is None or text == '':
        return 0
    refused = BadParameter('cursor', _('The cursor is not valid: use the "next" link of a previous page.'))
    if len(text) > _CURSOR_MAX or not _CURSOR_SHAPE.fullmatch(text):
        raise refused
    try:
        raw = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4)).decode('ascii')
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise refused from None
    if not raw.startswith(_CURSOR_PREFIX):
        raise refused
    value = parse_int(raw[len(_CURSOR_PREFIX) :], minimum=1, maximum=MAX_INT)
    if value is None or not raw[len(_CURSOR_PREFIX) :].isdigit():
        raise refused
    return value


def parse_limit(text: str | None) -> int:
    """The page size asked for: 1 to ``MAX_LIMIT`` (default ``DEFAULT_LIMIT``); anything else is refused."""
    if text is None or text == '':
        return DEFAULT_LIMIT
    value = parse_int(text, minimum=1, maximum=MAX_LIMIT)
    if value is None or not text.strip().isdigit():
        raise BadParameter('limit', _('The page size must be a whole number from 1 to %(max)s.', max=MAX_LIMIT))
    return value


def parse_id(name: str, text: str | None) -> int | None:
    """An optional id filter (``community``, ``topic``...): a positive whole number, or absent."""
    if text is None or text == '':
        return None
    value = parse_int(text, minimum=1, maximum=MAX_INT)
    if value is None or not text.strip().isdigit():
        raise BadParameter(name, _('"%(name)s" must be a positive whole number.', name=name))
    return value


def keyset_page(query: sa.Select, id_column, after: int, limit: int) -> tuple[list, int | None]:
    """One page of ``query`` after id ``after``: ``(rows, next_after)``; ``next_after`` is None on the last page."""
    rows = list(db.session.scalars(query.where(id_column > after).order_by(id_column).limit(limit + 1)).unique())
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, rows[-1].id
    return rows, None


def batches(query: sa.Select, id_column, size: int = EXPORT_BATCH):
    """Every row of ``query`` in id order, read ``size`` at a time by keyset (an export never loads it all)."""
    after = 0
    while True:
        rows, after = keyset_page(query, id_column, after, size)
        yield from rows
        if after is None:
            return
