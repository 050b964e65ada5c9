"""Comment forms. Reply forms on the topic page are plain HTML with the same field names."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from consult.comments.models import BODY_MAX
from consult.comments.models import DAYS_MAX
from consult.comments.models import DAYS_MIN
from consult.comments.models import STANCE_LABELS
from consult.comments.models import SUMMARY_MAX
from consult.forms import Form
from consult.forms import IntegerField
from consult.forms import OnceForm
from consult.inputs import MAX_INT
from consult.inputs import parse_int


class OpenForm(Form):
    days = IntegerField(
        _l('Length of the comment period (days)'),
        default=14,
        validators=[InputRequired(), NumberRange(min=DAYS_MIN, max=DAYS_MAX)],
        description=_l('From 1 to 60 days. Comments are accepted until the same time on the last day.'),
    )


class CommentForm(OnceForm):
    body = TextAreaField(_l('Your comment'), validators=[Optional(), Length(max=BODY_MAX)])
    stance = RadioField(_l('Your position'), validators=[Optional()])
    parent_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stance.choices = [(str(k), str(v)) for k, v in STANCE_LABELS.items()]

    def parent(self) -> int | None:
        if not self.parent_id.data:
            return None
        parent_id = parse_int(self.parent_id.data, 1, MAX_INT)
        return -1 if parent_id is None else parent_id


class ReasonForm(Form):
    reason = TextAreaField(_l('Reason'), validators=[Optional(), Length(max=2000)])


class SummaryForm(Form):
    summary = TextAreaField(
        _l('Summary of the comment period'),
        validators=[Optional(), Length(max=SUMMARY_MAX)],
        description=_l(
            'The consultation opinion: main views for and against, dissent, and what follows. '
            'Markdown is allowed: *emphasis*, lists, links. HTML is not.'
        ),
    )
