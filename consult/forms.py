"""The form base class: Flask-WTF with WTForms' own messages in the user's script.

WTForms ships ``zh`` (Simplified) and ``zh_TW`` (Traditional) catalogues; gettext would expand our
``zh_Hant`` to ``zh`` and show Simplified validator messages to Traditional readers, so we map it.
"""

from flask import g
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.i18n import messages_path

from consult.submissions import new_token

_WTFORMS_LOCALE = {'zh_Hans': 'zh', 'zh_Hant': 'zh_TW', 'en': 'en'}


def wtforms_translations():
    """Return WTForms' translations for the request's language, loaded once per request."""
    from babel import support

    locale = str(get_locale() or 'zh_Hans') if has_request_context() else 'zh_Hans'
    cache = g.setdefault('_wtforms_translations', {})
    if locale not in cache:
        cache[locale] = support.Translations.load(
            messages_path(), [_WTFORMS_LOCALE.get(locale, 'zh')], domain='wtforms'
        )
    return cache[locale]


class Form(FlaskForm):
    """Base for every form in Consult (CSRF included, through Flask-WTF)."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations()


class ActionForm(Form):
    """A step with no input besides the CSRF token (accept, submit, co-sign, mark as read...)."""


class OnceForm(Form):
    """A form that creates something (a topic, a petition, a meeting, a comment...): posted twice, it creates once.

    It renders a new random token with its hidden fields (``form.hidden_tag()``); the route creates through
    :func:`consult.web.attempt_once`, which stores the token with what it created (:mod:`consult.submissions`).
    A re-rendered form (a validation error or a refusal) keeps its token: nothing was stored under it.
    """

    submission_token = HiddenField(default=new_token)
