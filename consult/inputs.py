"""Where input enters: bounds on ids, integers, text and dates, so bad input is refused before a query.

The database refuses an integer beyond its column (PostgreSQL: 32-bit ``integer``), a NUL character in text,
and a lone UTF-16 surrogate (no UTF-8 encoding); each used to surface as a 500 or a ``server_error`` event.
Every way in is bounded here once: the ``int`` URL converter, a request check (paths, query strings, forms),
``int_arg`` for query arguments, ``consult.forms`` fields, and ``socket_int``/``checked`` for socket events.
"""

import functools
import re

from flask import abort
from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

#: The largest id or count accepted anywhere: PostgreSQL's ``integer`` (the ids' column type).
MAX_INT = 2**31 - 1
MIN_INT = -MAX_INT - 1

#: A NUL character or a lone surrogate: text no database column can store.
_UNSTORABLE = re.compile('[\x00\ud800-\udfff]')


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: 1 to ``MAX_INT``, so a larger or zero id is a 404, not a database error."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def storable(text: str) -> bool:
    """Whether ``text`` has no NUL character and no lone surrogate."""
    return _UNSTORABLE.search(text) is None


def parse_int(value, minimum: int = MIN_INT, maximum: int = MAX_INT) -> int | None:
    """``value`` (an int, or a string of digits) as an int within the bounds, else None (never raises)."""
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r'[+-]?\d{1,20}', value, flags=re.ASCII):
            return None
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        return None
    return value


def int_arg(name: str, default: int | None = 1, minimum: int = 1, maximum: int = MAX_INT, source=None):
    """A query argument (a page number by default) as a bounded int; ``default`` if absent or out of bounds."""
    value = parse_int((source if source is not None else request.args).get(name), minimum, maximum)
    return default if value is None else value


def check_request() -> None:
    """Refuse (400) a request whose path, query string or form has a NUL character or a lone surrogate.

    A before-request hook: one rule for every route, so no view ever passes such text to the database.
    Werkzeug decodes invalid UTF-8 in URLs and forms as U+FFFD, so a surrogate arrives only as itself.
    """
    if not storable(request.path) or any(not storable(k) or not storable(v) for k, v in request.args.items(True)):
        abort(400)
    if request.method in ('POST', 'PUT', 'PATCH', 'DELETE') and request.mimetype in (
        'application/x-www-form-urlencoded',
        'multipart/form-data',
    ):
        if any(not storable(k) or not storable(v) for k, v in request.form.items(True)):
            abort(400)
        if any(f.filename and not storable(f.filename) for _name, f in request.files.items(True)):
            abort(400)


def socket_int(data, key: str, default=None, minimum: int = MIN_INT, maximum: int = MAX_INT) -> int | None:
    """``data[key]`` of a socket payload if it is a JSON integer within the bounds, else None.

    ``default`` when the key is absent (or the payload is not an object).
    """
    value = data.get(key, default) if isinstance(data, dict) else default
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        return None
    return value


def _unstorable(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return not storable(value)
    if depth > 8:
        return True
    if isinstance(value, dict):
        return any(_unstorable(k, depth + 1) or _unstorable(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v, depth + 1) for v in value)
    return False


def checked(handler):
    """Wrap a socket event handler: a payload with unstorable text anywhere is refused before the handler runs.

    The client gets an ``error`` event ``bad_text`` and the acknowledgement ``{"ok": false, ...}``.
    """
    from consult.realtime import send_error

    @functools.wraps(handler)
    def run(*args):
        if any(_unstorable(arg) for arg in args):
            message = _('The text contains characters that cannot be stored (such as a NUL character).')
            send_error('bad_text', message)
            return {'ok': False, 'code': 'bad_text', 'message': message}
        return handler(*args)

    return run
