"""Forms of the on-site page and of written proxies (choices are set by the route)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import IntegerField

from .models import CHANNEL_LABELS
from .models import PROXY_DOCUMENT_MAX
from .models import Channel
from .onsite_models import REASON_MAX

ONSITE_CHOICES = [SelectChoice(str(c), CHANNEL_LABELS[c]) for c in (Channel.PAPER, Channel.HAND)]


class MarkForm(Form):
    """Mark one elector (``user_id``), or every elector signed in on site (no ``user_id``)."""

    user_id = HiddenField()
    channel = SelectField(_l('How they voted'), choices=ONSITE_CHOICES)


class CountForm(Form):
    """A secret vote's on-site count; the numbers per option are ``count-<position>`` fields (read by the route)."""

    blank = IntegerField(_l('Blank ballots'), validators=[Optional(), NumberRange(0)])
    ballots = IntegerField(
        _l('Ballots that are not blank'),
        validators=[Optional(), NumberRange(0)],
        description=_l('Multiple choice: a ballot may mark several options, so give the number of ballots too.'),
    )
    supersedes = HiddenField()
    reason = TextAreaField(
        _l('Why the latest entry is corrected'),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_l('The earlier entry stays in the record, with your correction and this reason after it.'),
    )


class PersonForm(Form):
    """An open vote's on-site ballot by name; the choice is posted as on the ballot (``choice``, ``rank-<n>``)."""

    voter = SelectField(_l('Voter'), coerce=int, validators=[DataRequired()])
    channel = SelectField(_l('How they voted'), choices=ONSITE_CHOICES)
    correct = BooleanField(_l('This corrects the latest entry of this voter'))
    reason = TextAreaField(_l('Why it is corrected'), validators=[Optional(), Length(max=REASON_MAX)])


class ConfirmForm(Form):
    """Confirm an entry (only the CSRF token)."""


class ProxyForm(Form):
    principal = SelectField(_l('Voter giving the proxy'), coerce=int, validators=[DataRequired()])
    holder = SelectField(_l('Proxy holder'), coerce=int, validators=[DataRequired()])
    document = TextAreaField(
        _l('The written proxy'),
        validators=[DataRequired(), Length(max=PROXY_DOCUMENT_MAX)],
        description=_l('Its date, and where the signed paper is kept (it is archived with the vote).'),
    )


class WithdrawProxyForm(Form):
    reason = TextAreaField(_l('Why is it withdrawn?'), validators=[DataRequired(), Length(max=REASON_MAX)])
