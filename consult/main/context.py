"""Template globals: languages, the current locale, the text size, and the navigation's unread count."""

from flask import g
from flask import request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from consult.i18n import HTML_LANG
from consult.i18n import LANGUAGE_NAMES
from consult.kernel.actions import may
from consult.notifications.queries import unread_count
from consult.roles.models import ROLE_LABELS
from consult.submissions import new_token

#: This device's text size: ``large`` or absent (the standard size).
TEXT_SIZE_COOKIE = 'text_size'
TEXT_SIZE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie


def large_text() -> bool:
    """Large text on this page: chosen on this device (the cookie) or on the account (any device)."""
    if request.cookies.get(TEXT_SIZE_COOKIE) == 'large':
        return True
    return bool(current_user.is_authenticated and current_user.large_text)


def inject_globals() -> dict:
    locale = str(get_locale() or 'zh_Hans')
    return {
        'current_locale': locale,
        'html_lang': HTML_LANG.get(locale, 'zh-Hans'),
        'language_names': LANGUAGE_NAMES,
        # The navigation's count of unread notifications, read once per page when asked (``unread()``).
        'unread': _unread,
        'large_text': large_text(),
        'csrf_token_value': generate_csrf,
        # A one-time token for a creating form written by hand (``consult.forms.OnceForm`` renders its own).
        'submission_token': new_token,
        'role_labels': ROLE_LABELS,
        # ``may('topic.cosign', topic)``: the one predicate of an action, for the current user.
        'may': _may,
    }


def _may(action: str, obj=None) -> bool:
    return may(current_user, action, obj)


def _unread() -> int:
    if 'unread_notifications' not in g:
        g.unread_notifications = unread_count(current_user)
    return g.unread_notifications
