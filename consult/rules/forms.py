"""The director's form for proposing a new version, and the Party organisation's decline form.

The form checks types and bounds for quick feedback; :mod:`consult.rules.validation` decides.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import IntegerField
from consult.forms import sane_date_range
from consult.rules.defaults import EXCLUSIONS
from consult.rules.defaults import MEETING_TYPES
from consult.rules.defaults import NATIONAL_CATEGORIES
from consult.rules.defaults import NUMBERS
from consult.rules.describe import NUMBER_LABELS
from consult.rules.operations import MAX_SUMMARY
from consult.rules.validation import MAX_COSIGN_COUNT
from consult.rules.validation import MAX_COSIGN_DENOMINATOR
from consult.rules.validation import MAX_DENOMINATOR
from consult.rules.validation import MAX_WORK_ITEM_LENGTH
from consult.rules.validation import MAX_WORK_ITEMS
from consult.rules.validation import NUMBER_BOUNDS
from consult.rules.validation import VOTING_KEYS

WHICH = ('quorum', 'approval')
OPERATORS = [SelectChoice('>', _l('more than')), SelectChoice('>=', _l('at least'))]


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProposeForm(Form):
    categories = CheckboxesField(
        _l('National categories of matters'),
        choices=[SelectChoice(key, label) for key, label in NATIONAL_CATEGORIES.items()],
        validators=[Optional()],
    )
    work_items = TextAreaField(
        _l("The community's work items"),
        validators=[Optional(), Length(max=MAX_WORK_ITEMS * (MAX_WORK_ITEM_LENGTH + 2))],
    )
    exclusions = CheckboxesField(
        _l('Excluded matters'),
        choices=[SelectChoice(key, rule['label']) for key, rule in EXCLUSIONS.items()],
        description=_l('State secrets are always excluded (Law on Guarding State Secrets).'),
        validators=[Optional()],
    )
    cosign_count = IntegerField(
        _l('Co-signatures needed (a number)'),
        validators=[Optional(), NumberRange(1, MAX_COSIGN_COUNT)],
    )
    cosign_num = IntegerField(_l('or this share of verified adult residents: numerator'), validators=[Optional()])
    cosign_den = IntegerField(
        _l('denominator'),
        description=_l('Leave either blank to use only the other; whichever is reached first counts.'),
        validators=[Optional(), NumberRange(1, MAX_COSIGN_DENOMINATOR)],
    )
    effective_from = DateField(_l('In force from'), validators=[DataRequired(), sane_date_range()])
    summary = TextAreaField(
        _l('What changes, and why'),
        description=_l('Shown publicly with this version.'),
        validators=[DataRequired(message=_l('Say what this version changes and why.')), Length(max=MAX_SUMMARY)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.work_items.description = _(
            'One per line; at most %(max)s, each at most %(len)s characters.',
            max=MAX_WORK_ITEMS,
            len=MAX_WORK_ITEM_LENGTH,
        )
        for key in NUMBERS:
            low, high = NUMBER_BOUNDS[key]
            unit = (
                _('months')
                if key.endswith('_months')
                else _('working days')
                if key.endswith('_working_days')
                else _('days')
                if key.endswith('_days')
                else _('years (0: permanently)')
                if key.endswith('_years')
                else _('a number')
            )
            self[f'number_{key}'].description = _('%(unit)s, from %(low)s to %(high)s', unit=unit, low=low, high=high)

    def fill(self, choices: dict, day) -> None:
        """Prefill from ``choices`` (see :func:`consult.rules.validation.choices_from`)."""
        self.categories.data = choices['categories']
        self.work_items.data = choices['work_items']
        self.exclusions.data = choices['exclusions']
        for key, value in choices['numbers'].items():
            self[f'number_{key}'].data = value
        self.cosign_count.data = choices['cosign']['count']
        self.cosign_num.data = choices['cosign']['num']
        self.cosign_den.data = choices['cosign']['den']
        for meeting, flags in choices.get('voting', {}).items():
            for key, value in flags.items():
                self[f'{meeting}_{key}'].data = value
        for meeting, rules in choices['meetings'].items():
            for which, (op, num, den) in rules.items():
                self[f'{meeting}_{which}_op'].data = op
                self[f'{meeting}_{which}_num'].data = num
                self[f'{meeting}_{which}_den'].data = den
        self.effective_from.data = day

    def choices(self) -> dict:
        """The submitted choices, for :func:`consult.rules.operations.propose_rules`."""
        return {
            'categories': self.categories.data or [],
            'work_items': self.work_items.data or '',
            'exclusions': self.exclusions.data or [],
            'numbers': {key: self[f'number_{key}'].data for key in NUMBERS},
            'cosign': {'count': self.cosign_count.data, 'num': self.cosign_num.data, 'den': self.cosign_den.data},
            'meetings': {
                meeting: {
                    which: (
                        self[f'{meeting}_{which}_op'].data,
                        self[f'{meeting}_{which}_num'].data,
                        self[f'{meeting}_{which}_den'].data,
                    )
                    for which in WHICH
                }
                for meeting in MEETING_TYPES
            },
            'voting': {
                meeting: {key: bool(self[f'{meeting}_{key}'].data) for key in VOTING_KEYS} for meeting in MEETING_TYPES
            },
        }


for _key in NUMBERS:
    _low, _high = NUMBER_BOUNDS[_key]
    setattr(
        ProposeForm,
        f'number_{_key}',
        IntegerField(NUMBER_LABELS[_key], validators=[InputRequired(), NumberRange(_low, _high)]),
    )
for _meeting in MEETING_TYPES:
    setattr(
        ProposeForm, f'{_meeting}_roll_call', BooleanField(_l('Open votes (roll call): names and choices published'))
    )
    setattr(ProposeForm, f'{_meeting}_proxies', BooleanField(_l('Written proxies allowed')))
    for _which in WHICH:
        setattr(ProposeForm, f'{_meeting}_{_which}_op', SelectField(_l('Comparison'), choices=OPERATORS))
        setattr(
            ProposeForm,
            f'{_meeting}_{_which}_num',
            IntegerField(_l('Numerator'), validators=[InputRequired(), NumberRange(1, MAX_DENOMINATOR)]),
        )
        setattr(
            ProposeForm,
            f'{_meeting}_{_which}_den',
            IntegerField(_l('Denominator'), validators=[InputRequired(), NumberRange(1, MAX_DENOMINATOR)]),
        )


class DeclineForm(Form):
    reason = TextAreaField(
        _l('Reason for declining'),
        validators=[DataRequired(message=_l('State the reason for declining this version.')), Length(max=2000)],
    )


class ConfirmForm(Form):
    """Only the CSRF token: confirming needs no input."""
