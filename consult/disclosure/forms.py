"""Forms of the publication, objections, answers and irregularity flags; the operations check every rule."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms import TextAreaField
from wtforms.validators import Optional

from consult.forms import ActionForm
from consult.forms import Form
from consult.forms import OnceForm

from .models import ANSWER_LABELS
from .models import NOTE_MAX
from .models import REASON_MAX
from .models import REASON_MIN


class PrepareForm(Form):
    note = TextAreaField(
        _l('Notice to residents'),
        validators=[Optional()],
        description=_l(
            'Optional, plain text, at most %(num)s characters: what the committee says with the result.', num=NOTE_MAX
        ),
    )


class SignOffForm(ActionForm):
    """The director's sign-off: the ``publish`` step."""


class ObjectionForm(OnceForm):
    reasons = TextAreaField(
        _l('Your objection and its reasons'),
        validators=[Optional()],
        description=_l(
            'Plain text, %(min)s to %(max)s characters. It is published without your name; the committee answers'
            ' it publicly.',
            min=REASON_MIN,
            max=REASON_MAX,
        ),
    )


class AnswerForm(Form):
    answer = RadioField(_l('Answer'), validators=[Optional()])
    reasons = TextAreaField(
        _l('Reasons of the answer'),
        validators=[Optional()],
        description=_l('Published with the objection.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = [(str(code), str(label)) for code, label in ANSWER_LABELS.items()]


class FlagForm(OnceForm):
    reason = TextAreaField(
        _l('The irregularity and why'),
        validators=[Optional()],
        description=_l('Published with the result; the committee answers it.'),
    )


class FlagAnswerForm(Form):
    answer = TextAreaField(_l('Answer'), validators=[Optional()], description=_l('Published with the flag.'))
