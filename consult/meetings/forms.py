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

from .minutes_models import CORRECTION_MAX
from .minutes_models import CORRECTION_REASON_MAX
from .models import DISSENT_BY_MAX
from .models import DISSENT_MAX
from .models import DISSENTS_MAX
from .models import ITEM_NOTES_MAX
from .models import KIND_LABELS
from .models import KIND_OF_PARTICIPANT_LABELS
from .models import MINUTES_MAX
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


class MinutesEditForm(Form):
    """The structured minutes; :func:`minutes_form` adds a field per agenda item and per dissenting view."""

    rev = IntegerField(validators=[Optional()])
    minutes = TextAreaField(
        _l('Other notes'),
        validators=[Optional(), Length(max=MINUTES_MAX)],
        description=_l('Anything the sections above do not hold. The live room saves this part too.'),
    )


def minutes_form(meeting, slots: int, **kwargs) -> MinutesEditForm:
    """The minutes form of ``meeting``: notes per agenda item, ``slots`` dissenting views, the free text.

    ``form.item_fields`` lists the items' fields in agenda order, ``form.dissent_fields`` the (view, whose
    view) pairs in order.
    """

    class Minutes(MinutesEditForm):
        pass

    for item in meeting.items:
        field = TextAreaField(
            f'{item.position}. {item.title}',
            validators=[Optional(), Length(max=ITEM_NOTES_MAX)],
            description=_l('A summary of the discussion under this item.'),
        )
        setattr(Minutes, f'item_{item.id}', field)
    for n in range(1, slots + 1):
        setattr(Minutes, f'dissent_{n}_view', TextAreaField(_l('The view'), validators=[Length(max=DISSENT_MAX)]))
        setattr(
            Minutes,
            f'dissent_{n}_by',
            StringField(_l('Whose view (optional)'), validators=[Optional(), Length(max=DISSENT_BY_MAX)]),
        )
    form = Minutes(**kwargs)
    form.item_fields = [form[f'item_{item.id}'] for item in meeting.items]
    form.dissent_fields = [(form[f'dissent_{n}_view'], form[f'dissent_{n}_by']) for n in range(1, slots + 1)]
    return form


def dissent_slots(meeting, formdata=None) -> int:
    """How many dissenting views the form shows: those kept and two blank ones, or as many as were posted."""
    if formdata is not None:
        posted = [key for key in formdata if key.startswith('dissent_') and key.endswith('_view')]
        numbers = [int(key[len('dissent_') : -len('_view')]) for key in posted if key[8:-5].isdigit()]
        return min(max(numbers, default=0), DISSENTS_MAX + 2)
    return min(len(meeting.dissents or []) + 2, DISSENTS_MAX)


def minutes_data(meeting, slots: int) -> dict:
    """The form's initial values: the minutes as saved."""
    data = {'rev': meeting.minutes_rev, 'minutes': meeting.minutes}
    for item in meeting.items:
        data[f'item_{item.id}'] = item.notes
    for n, dissent in enumerate((meeting.dissents or [])[:slots], start=1):
        data[f'dissent_{n}_view'] = dissent['view']
        data[f'dissent_{n}_by'] = dissent.get('held_by', '')
    return data


class SignMinutesForm(Form):
    #: The revision the chair read: a save in between makes them read again.
    rev = IntegerField(validators=[Optional()])


class CorrectionForm(OnceForm):
    body = TextAreaField(
        _l('Correction'),
        validators=[DataRequired(), Length(max=CORRECTION_MAX)],
        description=_l('What the signed minutes should have said. It is shown under them; they stay as signed.'),
    )
    reason = TextAreaField(
        _l('Reason for the correction'), validators=[DataRequired(), Length(max=CORRECTION_REASON_MAX)]
    )


class NamingForm(Form):
    consent = BooleanField(
        _l('Name me in the published minutes and result'),
        description=_l('Otherwise only your capacity (resident, representative …) is published, never your name.'),
    )
