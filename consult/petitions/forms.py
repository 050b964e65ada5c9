"""Petition forms."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from consult.forms import Form
from consult.forms import OnceForm
from consult.forms import sane_date_range
from consult.petitions.models import MATTER_MAX
from consult.petitions.models import NOTE_MAX
from consult.petitions.models import TITLE_MAX


class StartForm(OnceForm):
    title = StringField(_l('Title'), validators=[DataRequired(), Length(max=TITLE_MAX)])
    matter = TextAreaField(
        _l("The matter for the residents' meeting"),
        validators=[DataRequired(), Length(max=MATTER_MAX)],
        description=_l('Plain text, up to 2,000 characters. You sign the petition when you start it.'),
    )


class SignForm(Form):
    """Sign, withdraw a signature, or withdraw the petition: a button with its CSRF token."""


class ConvenedForm(Form):
    convened_on = DateField(_l('Date of the meeting'), validators=[DataRequired(), sane_date_range()])
    note = TextAreaField(
        _l('Meeting note'),
        validators=[DataRequired(), Length(max=NOTE_MAX)],
        description=_l('Where and how the meeting was held, and what it decided. Published with the petition.'),
    )
    topic_id = SelectField(
        _l('Topic on the agenda (optional)'),
        coerce=int,
        default=0,
        description=_l("A public topic of this community that put the petition's matter on the meeting's agenda."),
    )
