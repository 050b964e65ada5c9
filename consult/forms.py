"""The form base class: Flask-WTF with WTForms' own messages in the user's script.

WTForms ships ``zh`` (Simplified) and ``zh_TW`` (Traditional) catalogues; gettext would expand our
``zh_Hant`` to ``zh`` and show Simplified validator messages to Traditional readers, so we map it.
"""

from datetime import date

import wtforms
from flask import g
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

from consult.inputs import MAX_INT
from consult.inputs import MIN_INT
from consult.kernel.clock import today
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


class IntegerField(wtforms.IntegerField):
    """An integer the database can store (a 32-bit ``integer``): anything larger is a field error, not a 500."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not MIN_INT <= self.data <= MAX_INT:
            self.data = None
            raise ValueError(_('This number is too large.'))


class DateWithin:
    """A date or datetime field's value must fall between two bounds (callables, so "now" is each request's).

    :param earliest: returns the first accepted value (a ``date`` or a naive ``datetime``, like the field's).
    :param latest: returns the last accepted value.
    """

    def __init__(self, earliest, latest, message):
        self.earliest, self.latest, self.message = earliest, latest, message

    def __call__(self, form, field):
        if field.data is not None and not self.earliest() <= field.data <= self.latest():
            raise ValidationError(str(self.message))


def birth_date_range() -> DateWithin:
    """A birth date from 1900 to today."""
    return DateWithin(lambda: date(1900, 1, 1), today, _l('Enter a date between 1900 and today.'))


def sane_date_range() -> DateWithin:
    """A date between 1900 and 2100: no day before or after is meant, and none overflows a time zone's shift."""
    return DateWithin(lambda: date(1900, 1, 1), lambda: date(2100, 12, 31), _l('Enter a date between 1900 and 2100.'))
