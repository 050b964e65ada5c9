"""Account forms. Labels are lazy so they follow the request's language."""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from consult.forms import Form
from consult.forms import birth_date_range

MOBILE_RE = re.compile(r'^1[3-9]\d{9}$')
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
PASSWORD_MIN = 8
PASSWORD_MAX = 128


def normalise_identifier(value: str | None) -> str:
    """Trim spaces and dashes from a mobile number, lower-case an email address."""
    value = (value or '').strip()
    if '@' in value:
        return value.lower()
    return re.sub(r'[\s-]', '', value)


class RegisterForm(Form):
    identifier = StringField(
        _l('Mobile number or email'),
        validators=[DataRequired(), Length(max=254)],
        description=_l('Used to log in. Never shown to other residents.'),
    )
    display_name = StringField(
        _l('Display name'),
        validators=[DataRequired(), Length(min=1, max=40)],
        description=_l('The name other residents see.'),
    )
    real_name = StringField(
        _l('Real name'),
        validators=[DataRequired(), Length(min=1, max=40)],
        description=_l('Private: seen only by you and the staff who verify your residence.'),
    )
    birth_date = DateField(
        _l('Birth date'),
        validators=[DataRequired(message=_l('Enter a date such as 1980-05-17.')), birth_date_range()],
        description=_l('Private: used to work out whether you may vote (18 or older).'),
    )
    password = PasswordField(
        _l('Password'),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=_l('At least 8 characters.'),
    )
    confirm = PasswordField(
        _l('Repeat password'),
        validators=[DataRequired(), EqualTo('password', message=_l('The two passwords differ.'))],
    )

    def validate_identifier(self, field):
        value = normalise_identifier(field.data)
        if not (MOBILE_RE.match(value) or EMAIL_RE.match(value)):
            raise ValidationError(_l('Enter an 11-digit mainland mobile number or an email address.'))
        field.data = value


class LoginForm(Form):
    identifier = StringField(_l('Mobile number or email'), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l('Password'), validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class ResetPasswordForm(Form):
    """A new password, typed twice (setting it from a reset link; the base of the other password forms)."""

    password = PasswordField(
        _l('New password'),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=_l('At least 8 characters.'),
    )
    confirm = PasswordField(
        _l('Repeat new password'),
        validators=[DataRequired(), EqualTo('password', message=_l('The two passwords differ.'))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l('Current password'), validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class SessionsForm(Form):
    """ "Log out other devices": the CSRF token only."""


#: What browsers drop from a URL before they follow it: tabs and newlines anywhere, C0 controls and spaces at the ends.
_DROPPED = str.maketrans('', '', '\t\n\r')
_ENDS = ''.join(chr(c) for c in range(0x21))


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (to redirect to after login), else None.

    The URL is cleaned as a browser would clean it before it is judged (``/`` tab ``/evil.example``
    is ``//evil.example`` to a browser), then parsed: only a relative path without scheme or host passes.
    """
    if not target:
        return None
    cleaned = target.translate(_DROPPED).strip(_ENDS)
    if not cleaned.startswith('/') or cleaned.startswith('//') or '\\' in cleaned:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in cleaned):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not parts.path.startswith('/'):
        return None
    return cleaned


class LanguageForm(Form):
    locale = StringField(validators=[Optional(), Length(max=10)])


class ForgotPasswordForm(Form):
    identifier = StringField(
        _l('Mobile number or email'),
        validators=[DataRequired(), Length(max=254)],
        description=_l('The one you log in with. If the account has an email address, a link is sent there.'),
    )


class ResetCodeForm(ResetPasswordForm):
    identifier = StringField(_l('Mobile number or email'), validators=[DataRequired(), Length(max=254)])
    code = StringField(
        _l('Reset code'),
        validators=[DataRequired(), Length(max=20)],
        description=_l('The 8-digit code your residents committee gave you.'),
        render_kw={'inputmode': 'numeric', 'autocomplete': 'one-time-code'},
    )

    def validate_code(self, field):
        field.data = re.sub(r'[\s-]', '', field.data or '')


class TextSizeForm(Form):
    #: '1' for large text, anything else for the standard size.
    large = StringField(validators=[Optional(), Length(max=1)])
