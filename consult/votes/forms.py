"""Vote forms; choices (agenda items, rule kinds) are set by the route."""

from datetime import datetime
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateTimeLocalField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from consult.forms import DateWithin
from consult.forms import Form
from consult.forms import IntegerField
from consult.forms import OnceForm
from consult.kernel.clock import CITY_ZONE
from consult.kernel.clock import utcnow

from .models import KIND_LABELS
from .models import MAX_OPTIONS
from .models import QUESTION_MAX
from .models import TITLE_MAX

ELECTORATE_LABELS = {
    'adults': _l('Every verified adult resident'),
    'households': _l('One adult per household'),
    'representatives': _l("Residents' representatives only"),
}


def _city_now() -> datetime:
    return utcnow().astimezone(CITY_ZONE).replace(tzinfo=None)


def _when(label):
    return DateTimeLocalField(
        label,
        format='%Y-%m-%dT%H:%M',
        validators=[
            Optional(),
            DateWithin(
                lambda: _city_now() - timedelta(minutes=5),
                lambda: _city_now() + timedelta(days=790),
                _l('Choose a time between now and two years from now.'),
            ),
        ],
    )


class VoteForm(OnceForm):
    title = StringField(_l('Title'), validators=[DataRequired(), Length(max=TITLE_MAX)])
    question = TextAreaField(_l('The question put to the vote'), validators=[Optional(), Length(max=QUESTION_MAX)])
    kind = SelectField(_l('Kind of vote'), choices=[SelectChoice(str(k), v) for k, v in KIND_LABELS.items()])
    options = TextAreaField(
        _l('Options, one per line'),
        validators=[Optional(), Length(max=MAX_OPTIONS * 210)],
        description=_l('Not needed for a motion: its options are for, against and abstain.'),
    )
    max_choices = IntegerField(
        _l('Multiple choice: at most this many choices'), validators=[Optional(), NumberRange(1, MAX_OPTIONS)]
    )
    #: A meeting's vote.
    agenda_item_id = SelectField(_l('Agenda item'), coerce=int, validators=[Optional()])
    minutes = IntegerField(_l('Open for (minutes) once opened'), validators=[Optional(), NumberRange(1, 1440)])
    #: A standalone vote.
    rule_kind = SelectField(_l('Whose quorum and majority rules apply'))
    electorate_mode = SelectField(_l('Who votes'), choices=[SelectChoice(k, v) for k, v in ELECTORATE_LABELS.items()])
    opens_at = _when(_l('Opens at (Beijing time)'))
    closes_at = _when(_l('Closes at (Beijing time)'))
    decides = BooleanField(_l("This vote decides the matter (a residents' meeting vote the law requires)"))

    #: The fields of one kind of vote only (the route removes the others from the form).
    MEETING_ONLY = ('agenda_item_id', 'minutes')
    STANDALONE_ONLY = ('rule_kind', 'electorate_mode', 'opens_at', 'closes_at')


class CancelForm(Form):
    reason = TextAreaField(_l('Why is the vote cancelled?'), validators=[DataRequired(), Length(max=2000)])


class StepForm(Form):
    """Open or close (a button; the CSRF token is its only field)."""


class ReceiptCheckForm(Form):
    code = StringField(_l('Your receipt code'), validators=[DataRequired(), Length(max=40)])
