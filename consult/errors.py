"""Error pages: HTML or JSON by what the client accepts; never a stack trace."""

import logging
import time

from flask import current_app
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from consult.db import note_unavailable
from consult.db import rollback_quietly
from consult.db import unavailable
from consult.i18n import HTML_LANG

logger = logging.getLogger(__name__)


def _wants_json() -> bool:
    if request.path.startswith('/api/'):
        return True  # the open-data API answers its errors in JSON whatever the client accepts
    best = request.accept_mimetypes.best_match(['application/json', 'text/html'])
    return best == 'application/json' and request.accept_mimetypes[best] > request.accept_mimetypes['text/html']


def _messages():
    return {
        400: _('The request could not be understood.'),
        403: _('You do not have permission to do this.'),
        404: _('The page was not found.'),
        405: _('This action is not allowed here.'),
        413: _('The upload is too large.'),
        429: _('Too many attempts. Please wait a moment and try again.'),
        500: _('Something went wrong on our side. Please try again later.'),
    }


def _unavailable_message() -> str:
    return _('The service is temporarily unavailable. Please try again later.')


def _wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            'Too many attempts. Please wait %(num)s second and try again.',
            'Too many attempts. Please wait %(num)s seconds and try again.',
            seconds,
        )
    minutes = -(-seconds // 60)
    return ngettext(
        'Too many attempts. Please wait %(num)s minute and try again.',
        'Too many attempts. Please wait %(num)s minutes and try again.',
        minutes,
    )


def _retry_after(exc) -> int:
    """Seconds until the limit that was hit lets the client in again (at least 1)."""
    from consult.extensions import limiter

    current = limiter.current_limit
    if current is not None and current.reset_at:
        return max(1, int(current.reset_at - time.time()) + 1)
    try:
        return max(1, int(exc.limit.limit.get_expiry()))
    except Exception:  # a limit without a window: say a minute
        return 60


def _render(code: int, message: str | None = None, headers: dict | None = None):
    """The error page in the site's layout; if the layout fails (it reads the user and the navigation, so the
    database), the same message on a page that needs no database."""
    message = message or _messages().get(code, _messages()[500])
    headers = headers or {}
    if _wants_json():
        return jsonify(error={'code': code, 'message': message}), code, headers
    try:
        return render_template('errors/error.html', code=code, message=message), code, headers
    except Exception as exc:
        rollback_quietly()
        if unavailable(exc):
            note_unavailable()
            logger.warning('database unavailable for the error page on %s: %s', request.path, exc)
            return _render_without_database(503, _unavailable_message())
        logger.error('the error page failed on %s', request.path, exc_info=exc)
        return _render_without_database(code, message)


def _render_without_database(code: int, message: str):
    """An error page that reads neither the user nor the database: the layout's look without its navigation.

    The template is rendered straight from the Jinja environment, past the context processors (which load the
    user and the navigation); the locale comes from the session or the browser (``consult.i18n``).
    """
    if _wants_json():
        return jsonify(error={'code': code, 'message': message}), code
    locale = str(get_locale() or 'zh_Hans')
    template = current_app.jinja_env.get_template('errors/unavailable.html')
    html = template.render(code=code, message=message, html_lang=HTML_LANG.get(locale, 'zh-Hans'))
    headers = {'Retry-After': '30'} if code == 503 else {}
    return html, code, headers


def register_error_handlers(app) -> None:
    """Install the handlers for HTTP errors, CSRF failures, rate limits and unexpected exceptions.

    A database that cannot be reached gives 503 and a page that needs no database, in the user's language.
    """

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _render(400, _('The form has expired or was sent from elsewhere. Reload the page and try again.'))

    @app.errorhandler(RateLimitExceeded)
    def _rate(exc):
        seconds = _retry_after(exc)
        return _render(429, _wait_message(seconds), {'Retry-After': str(seconds)})

    @app.errorhandler(HTTPException)
    def _http(exc):
        # Flask hands an exception that escaped another handler over as a 500 that wraps it.
        original = getattr(exc, 'original_exception', None)
        if original is not None and unavailable(original):
            return _unexpected(original)
        if exc.code == 403 and g.get('refusal'):
            return _render(403, g.refusal)  # why: the record is read-only (``topics.permissions.topic_writable``)
        return _render(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        rollback_quietly()
        if unavailable(exc):
            note_unavailable()
            logger.warning('database unavailable on %s: %s', request.path, exc)
            return _render_without_database(503, _unavailable_message())
        logger.error('unhandled error on %s', request.path, exc_info=exc)
        return _render(500)
