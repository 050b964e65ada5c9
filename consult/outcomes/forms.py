"""Forms of the opinion, its correction and the legality check; the route sets the votes' choices."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import Length
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import OnceForm

from .models import DISSENT_MAX
from .models import ENTRY_MAX
from .models import LAW_MAX
from .models import MATTER_LABELS
from .models import REASON_MAX
from .models import RESULT_LABELS
from .models import TEXT_MAX

CONSENSUS_LABELS = {'yes': _l('Yes: consensus was reached'), 'no': _l('No: the opinion records the majority view')}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class OpinionForm(Form):
    consensus = RadioField(_l('Was consensus reached?'), validators=[Optional()])
    text = TextAreaField(
        _l('The consultation opinion'),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l(
            'What the consultation concluded and what follows from it. Markdown is allowed: *emphasis*, lists,'
            ' links. HTML is not.'
        ),
    )
    dissent = TextAreaField(
        _l('Dissenting views, one per line'),
        validators=[Optional(), Length(max=DISSENT_MAX * (ENTRY_MAX + 1))],
        description=_l('Each line is one view that differs from the opinion. Leave it empty if there was none.'),
    )
    votes = MultiCheckboxField(_l('The votes it relies on'), coerce=int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consensus.choices = [(code, str(label)) for code, label in CONSENSUS_LABELS.items()]

    def consensus_value(self) -> bool | None:
        return {'yes': True, 'no': False}.get(self.consensus.data or '')

    def dissent_entries(self) -> list[str]:
        return (self.dissent.data or '').splitlines()


class LegalityForm(Form):
    result = RadioField(_l('Result of the legality check'), validators=[Optional()])
    matter = RadioField(
        _l("Is it a matter the residents' meeting must decide by a vote?"), default='', validators=[Optional()]
    )
    law = StringField(
        _l('The law, regulation or policy it conflicts with'),
        validators=[Optional(), Length(max=LAW_MAX)],
        description=_l('When it fails: for example the Urban Residents Committee Organisation Law art 15.'),
    )
    reason = TextAreaField(
        _l('Reason'),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_l('When it fails: what conflicts with that law and how. Otherwise an optional note.'),
    )

    def __init__(self, *args, **kwargs):
        from .guards import matter_source

        super().__init__(*args, **kwargs)
        self.result.choices = [(str(code), str(label)) for code, label in RESULT_LABELS.items()]
        self.matter.choices = [('', str(_l('No: none of these matters')))] + [
            (str(code), f'{label} ({matter_source(code)})') for code, label in MATTER_LABELS.items()
        ]


class CorrectionForm(OnceForm):
    body = TextAreaField(
        _l('Correction'),
        validators=[Optional(), Length(max=ENTRY_MAX)],
        description=_l('Plain text. It is shown under the opinion, which stays as it was checked.'),
    )
