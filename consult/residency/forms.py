"""Residence forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length


class ClaimForm(FlaskForm):
    household_id = SelectField(_l('Household'), coerce=int, validators=[InputRequired()])


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l('Reason for rejection'),
        validators=[DataRequired(message=_l('Give the resident a reason for the rejection.')), Length(max=500)],
        description=_l('The resident sees this reason.'),
    )


class DecideForm(FlaskForm):
    """An approve button: only the CSRF token."""
