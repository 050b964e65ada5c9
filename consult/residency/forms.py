"""Residence forms: the resident's claim, the staff decisions, roster upload and household codes."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import OnceForm


class ClaimForm(OnceForm):
    household_id = SelectField(_l('Household'), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l('Household code (optional)'),
        validators=[Optional(), Length(max=32)],
        description=_l(
            'If your community committee gave your household a code, enter it to be verified at once. '
            'Capitals, spaces and dashes do not matter.'
        ),
        render_kw={'autocomplete': 'off', 'autocapitalize': 'characters', 'spellcheck': 'false'},
    )


class RejectForm(Form):
    reason = TextAreaField(
        _l('Reason for rejection'),
        validators=[DataRequired(message=_l('Give the resident a reason for the rejection.')), Length(max=500)],
        description=_l('The resident sees this reason.'),
    )


class DecideForm(Form):
    """An approve button: only the CSRF token."""


class RosterForm(Form):
    roster = FileField(
        _l('Roster file (CSV)'),
        validators=[
            FileRequired(message=_l('Choose a CSV file to upload.')),
            FileAllowed(['csv'], message=_l('Only .csv files can be imported.')),
        ],
        description=_l(
            'One row per person with the columns 姓名, 出生日期, 网格, 楼栋 and 户号. '
            'Dates as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD. Save from Excel as "CSV UTF-8"; GBK files work too.'
        ),
        render_kw={'accept': '.csv,text/csv'},
    )


class IssueCodesForm(Form):
    household_id = SelectField(
        _l('Household'),
        coerce=int,
        validators=[InputRequired()],
        description=_l(
            "Choose one household, or all households of the building. A new code replaces the household's "
            'unused older codes.'
        ),
    )


class IssueResetCodeForm(Form):
    """Issue a resident's password reset code: the CSRF token only."""


class WeightsForm(Form):
    weights = FileField(
        _l('Household weights file (CSV)'),
        validators=[
            FileRequired(message=_l('Choose a CSV file to upload.')),
            FileAllowed(['csv'], message=_l('Only .csv files can be imported.')),
        ],
        description=_l(
            'One row per household: 权重 (a whole number from 1, e.g. the floor area in m²), and either 户ID or '
            '网格, 楼栋 and 户号 as in the roster. Save from Excel as "CSV UTF-8"; GBK files work too.'
        ),
        render_kw={'accept': '.csv,text/csv'},
    )
