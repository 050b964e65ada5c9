"""Error pages: HTML or JSON by what the client accepts; never a stack trace."""

import logging

from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from consult.extensions import db

logger = logging.getLogger(__name__)


def _wants_json() -> bool:
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


def _render(code: int, message: str | None = None):
    message = message or _messages().get(code, _messages()[500])
    if _wants_json():
        return jsonify(error={'code': code, 'message': message}), code
    return render_template('errors/error.html', code=code, message=message), code


def register_error_handlers(app) -> None:
    """Install the handlers for HTTP errors, CSRF failures, rate limits and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _render(400, _('The form has expired or was sent from elsewhere. Reload the page and try again.'))

    @app.errorhandler(RateLimitExceeded)
    def _rate(exc):
        return _render(429)

    @app.errorhandler(HTTPException)
    def _http(exc):
        return _render(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        db.session.rollback()
        logger.error('unhandled error on %s', request.path, exc_info=exc)
        return _render(500)
