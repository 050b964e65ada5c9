"""Dispatch forms. Text fields are checked by the operations (rules cited); the forms cap their length."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.validators import Length

from consult.dispatch.guards import REPLY_MAX
from consult.dispatch.guards import TEXT_MAX
from consult.dispatch.models import KIND_LABELS
from consult.forms import Form
from consult.forms import OnceForm


class ProposeForm(OnceForm):
    department_id = SelectField(_l('Department'), coerce=int)
    kind = RadioField(
        _l('Kind of item'),
        default='simple',
        description=_l('Sets the deadline from the rule set in force.'),
    )
    reason = TextAreaField(
        _l('Why the matter is the department’s'),
        description=_l('Shown to the department and on the topic.'),
        validators=[Length(max=TEXT_MAX)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(str(key), str(label)) for key, label in KIND_LABELS.items()]


class ReasonForm(Form):
    reason = TextAreaField(_l('Reason'), validators=[Length(max=TEXT_MAX)])


class ProgressForm(Form):
    text = TextAreaField(_l('Progress note'), validators=[Length(max=TEXT_MAX)])


class CloseForm(Form):
    reply = TextAreaField(
        _l('Reply'),
        description=_l('Shown publicly with the topic, and sent to its submitter and co-signers.'),
        validators=[Length(max=REPLY_MAX)],
    )
