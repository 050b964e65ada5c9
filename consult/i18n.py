"""Locale selection: the user's explicit choice, then the browser's languages mapped by script, then zh_Hans.

Werkzeug's ``best_match`` gets Chinese wrong (``zh-TW`` becomes ``zh_Hans``), so each Accept-Language tag is
parsed with Babel, whose likely-subtags give ``zh-TW/HK/MO`` the Hant script and ``zh-CN/SG`` Hans.
"""

from babel import Locale
from babel import UnknownLocaleError
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask import session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from consult.db import known_unavailable
from consult.db import rollback_quietly

SESSION_KEY = 'locale'


def map_language_tag(tag: str) -> str | None:
    """Return the catalogue name (``zh_Hans``, ``zh_Hant`` or ``en``) for one language tag, or ``None``."""
    tag = tag.strip().replace('_', '-')
    if not tag or tag == '*':
        return None
    try:
        locale = Locale.parse(tag, sep='-')
    except (ValueError, UnknownLocaleError):
        return None
    if locale.language == 'zh':
        if locale.script == 'Hant':
            return 'zh_Hant'
        return 'zh_Hans'  # zh, zh-CN, zh-SG and a bare zh all read Simplified
    if locale.language == 'en':
        return 'en'
    return None


def negotiate(accept_language: str | None) -> str | None:
    """Pick the first supported catalogue from an Accept-Language header, in q-order."""
    if not accept_language:
        return None
    weighted = []
    for position, part in enumerate(accept_language.split(',')):
        tag, _, params = part.partition(';')
        quality = 1.0
        if params.strip().startswith('q='):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag))
    for quality, _, tag in sorted(weighted):
        if quality == 0:
            continue
        mapped = map_language_tag(tag)
        if mapped:
            return mapped
    return None


def select_locale() -> str:
    """Flask-Babel locale selector.

    It never needs the database to answer: error pages and the socket ``error`` event are translated while the
    database is down. The account's choice is read from the user already loaded for this request; otherwise the
    session's copy (kept at login and at each switch) serves, and only without one is the user loaded, with
    database errors caught.
    """
    languages = current_app.config['LANGUAGES']
    if not has_request_context():  # CLI and background work speak the default language
        return current_app.config['BABEL_DEFAULT_LOCALE']
    chosen = session.get(SESSION_KEY)
    account = _account_locale(load=chosen not in languages)
    if account in languages:
        return account
    if chosen in languages:
        return chosen
    return negotiate(request.headers.get('Accept-Language')) or current_app.config['BABEL_DEFAULT_LOCALE']


def _account_locale(load: bool) -> str | None:
    """The logged-in user's stored locale: from the user loaded for this request, else loaded only if ``load``."""
    if ('_login_user' not in g and not load) or known_unavailable():
        return None
    try:
        user = current_user._get_current_object()
        return user.locale if user.is_authenticated else None
    except SQLAlchemyError:  # the database is down: the session's choice, then the browser's languages
        rollback_quietly()
        return None


LANGUAGE_NAMES = {'zh_Hans': '简体中文', 'zh_Hant': '繁體中文', 'en': 'English'}

#: The ``lang`` attribute for <html>.
HTML_LANG = {'zh_Hans': 'zh-Hans', 'zh_Hant': 'zh-Hant', 'en': 'en'}
