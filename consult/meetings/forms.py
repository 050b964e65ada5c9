"""Meeting forms; choices (people, kinds) are set by the route."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateTimeLocalField
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from consult.forms import DateWithin
from consult.forms import Form
from consult.forms import IntegerField
from consult.forms import OnceForm
from consult.kernel.clock import CITY_ZONE
from consult.kernel.clock import utcnow
from consult.topics.models import FORM_LABELS

from .models import KIND_LABELS
from .models import KIND_OF_PARTICIPANT_LABELS
from .models import OUTCOME_LABELS
from .models import PLACE_MAX
from .models import STARTS_NOT_AFTER
from .models import STARTS_NOT_BEFORE
from .models import TITLE_MAX


def _city_now() -> datetime:
    """Now on the city's clock, naive like the form's value (entered in Beijing time)."""
    return utcnow().astimezone(CITY_ZONE).replace(tzinfo=None)


class ScheduleForm(OnceForm):
    title = StringField(_l('Title'), validators=[DataRequired(), Length(max=TITLE_MAX)])
    kind = SelectField(_l('Meeting type'))
    form = SelectField(_l('Form'))
    starts_at = DateTimeLocalField(
        _l('Date and time (Beijing time)'),
        format='%Y-%m-%dT%H:%M',
        validators=[
            DataRequired(),
            DateWithin(
                lambda: _city_now() - STARTS_NOT_BEFORE,
                lambda: _city_now() + STARTS_NOT_AFTER,
                _l('A meeting starts between yesterday and two years from now.'),
            ),
        ],
    )
    place = StringField(
        _l('Place'), validators=[Optional(), Length(max=PLACE_MAX)], description=_l('Required on site and mixed.')
    )
    chair_id = SelectField(_l('Chair'), coerce=int)
    secretary_id = SelectField(_l('Secretary (takes the minutes)'), coerce=int)
    agenda = TextAreaField(
        _l('Agenda'),
        validators=[DataRequired()],
        description=_l('One item per line, with its time box in minutes after a bar: "Plan options | 20".'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(str(k), str(v)) for k, v in KIND_LABELS.items()]
        self.form.choices = [(str(k), str(v)) for k, v in FORM_LABELS.items()]


class MaterialForm(OnceForm):
    title = StringField(_l('Document title'), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(
        _l('Content'), validators=[DataRequired(), Length(max=50_000)], description=_l('Markdown is allowed.')
    )


class RosterBuildForm(Form):
    mode = RadioField(_l('Who is on the roster'), default='adults')
    by_area = BooleanField(_l("Only the topic's affected grids or buildings"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = [
            ('adults', str(_l('Every verified adult resident'))),
            ('households', str(_l('One adult per household'))),
            ('representatives', str(_l("Residents' representatives only"))),
        ]


class ParticipantForm(OnceForm):
    contact = StringField(_l('Mobile number or email'), validators=[DataRequired(), Length(max=254)])
    kind = SelectField(_l('Takes part as'))
    organisation = StringField(
        _l('Unit or department'), validators=[Optional(), Length(max=120)], description=_l('For units and departments.')
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(str(k), str(v)) for k, v in KIND_OF_PARTICIPANT_LABELS.items()]


class ReasonForm(Form):
    reason = TextAreaField(_l('Reason'), validators=[Optional(), Length(max=1000)])


class JoinForm(OnceForm):
    reason = TextAreaField(
        _l('Why you want to take part'),
        validators=[DataRequired(), Length(max=1000)],
        description=_l('Your stake in the matter, e.g. you live next to the site.'),
    )


class DecideForm(Form):
    decision = HiddenField()
    reason = StringField(_l('Reason'), validators=[Optional(), Length(max=1000)])


class CheckinForm(Form):
    code = HiddenField(validators=[DataRequired()])


class CloseForm(Form):
    outcome = RadioField(_l('Outcome'))
    conclusion = TextAreaField(
        _l('Consultation opinion, or the reason for the outcome'), validators=[DataRequired(), Length(max=20_000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(str(k), str(v)) for k, v in OUTCOME_LABELS.items()]


class MinutesForm(Form):
    minutes = TextAreaField(_l('Minutes'), validators=[Optional()])
    rev = IntegerField(validators=[Optional()])
