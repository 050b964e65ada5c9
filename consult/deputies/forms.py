"""Forms of notes, suggestions, replies and assessments; the operations check every rule."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import OnceForm

from .models import ASSESSMENT_LABELS
from .models import NOTE_MAX
from .models import TEXT_MAX
from .models import TITLE_MAX


class NoteForm(OnceForm):
    body = TextAreaField(
        _l('Your observation note'),
        validators=[Optional()],
        description=_l(
            'Plain text, at most %(max)s characters. It is published with your name on the topic’s public record.',
            max=NOTE_MAX,
        ),
    )


class SuggestionForm(OnceForm):
    community = SelectField(_l('Community'), validators=[Optional()])
    body_choice = SelectField(_l('Responsible body'), validators=[Optional()])
    title = StringField(
        _l('Title'), validators=[Optional()], description=_l('At most %(max)s characters.', max=TITLE_MAX)
    )
    body = TextAreaField(
        _l('Your suggestion'),
        validators=[Optional()],
        description=_l('Plain text, at most %(max)s characters. It is public, with your name.', max=TEXT_MAX),
    )
    complex = BooleanField(
        _l('Wide-ranging or complex: the body has the longer period to reply'), validators=[Optional()]
    )


class ReplyForm(Form):
    reply = TextAreaField(
        _l('The reply'),
        validators=[Optional()],
        description=_l(
            'Plain text, at most %(max)s characters. It is published in the name of your body, not yours.',
            max=TEXT_MAX,
        ),
    )


class AssessForm(Form):
    assessment = RadioField(
        _l('Are you satisfied with the reply?'),
        choices=[SelectChoice(key, label) for key, label in ASSESSMENT_LABELS.items()],
        validators=[Optional()],
    )
    comment = TextAreaField(
        _l('Why'), validators=[Optional()], description=_l('Plain text, at most %(max)s characters.', max=TEXT_MAX)
    )
