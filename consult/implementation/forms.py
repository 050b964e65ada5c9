"""Forms of the use of results; routes set the choices that depend on the topic (grids, departments)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import MultipleFileField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import OnceForm

from .models import COMMENT_MAX
from .models import DECISION_LABELS
from .models import LAW_MAX
from .models import OWNER_LABELS
from .models import TEXT_MAX
from .models import TITLE_MAX

FINISH_LABELS = {
    'completed': _l('Every task is done: sign the implementation off and publish its result'),
    'cannot': _l('The result cannot be carried out: publish the explanation'),
}
SCORE_LABELS = {
    '5': _l('5 · Very satisfied'),
    '4': _l('4 · Satisfied'),
    '3': _l('3 · Neither'),
    '2': _l('2 · Dissatisfied'),
    '1': _l('1 · Very dissatisfied'),
}


class TaskForm(OnceForm):
    title = StringField(_l('Task'), validators=[InputRequired(), Length(max=TITLE_MAX)])
    owner = RadioField(_l('Carried out by'), validators=[InputRequired()])
    grid_id = SelectField(_l('Grid'), validators=[Optional()], coerce=str)
    department_id = SelectField(
        _l('Department'),
        validators=[Optional()],
        coerce=str,
        description=_l('A department is sent a dispatched item (whistle); only the committee director signs it off.'),
    )
    due = DateField(_l('Deadline'), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [(str(k), str(v)) for k, v in OWNER_LABELS.items()]


class UpdateForm(OnceForm):
    body = TextAreaField(_l('Progress'), validators=[InputRequired(), Length(max=TEXT_MAX)])
    files = MultipleFileField(
        _l('Evidence (photos, documents)'), description=_l('Up to 5 files: JPEG, PNG, PDF, text or office documents.')
    )


class DoneForm(Form):
    pass


class FinishForm(Form):
    outcome = RadioField(_l('How the implementation ended'), validators=[InputRequired()])
    text = TextAreaField(
        _l('Result of the implementation, or why it cannot be carried out'),
        validators=[InputRequired(), Length(max=TEXT_MAX)],
        description=_l('Published to residents as the second disclosure; write no personal information.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(k, str(v)) for k, v in FINISH_LABELS.items()]


class ReplyForm(Form):
    decision = RadioField(_l('Decision'), validators=[InputRequired()])
    reasons = TextAreaField(_l('Reasons'), validators=[InputRequired(), Length(max=TEXT_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [(str(k), str(v)) for k, v in DECISION_LABELS.items()]


class CorrectionForm(OnceForm):
    law = StringField(_l('The law, regulation or policy it breaks'), validators=[InputRequired(), Length(max=LAW_MAX)])
    reason = TextAreaField(_l('What is corrected, and why'), validators=[InputRequired(), Length(max=TEXT_MAX)])


class RatingForm(Form):
    score = RadioField(_l('Your rating'), validators=[InputRequired()])
    comment = TextAreaField(_l('Comment (optional, shown without your name)'), validators=[Length(max=COMMENT_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.score.choices = [(k, str(v)) for k, v in SCORE_LABELS.items()]
