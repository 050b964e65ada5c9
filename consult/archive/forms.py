"""Forms of the archive page; the operations check every rule (a reason's length, the group, the term)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import SelectMultipleField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import Optional

from consult.forms import ActionForm
from consult.forms import Form

from .models import REASON_MAX
from .models import REASON_MIN


class WaiverForm(Form):
    """Staff record why a required item is missing."""

    item = HiddenField()
    reason = TextAreaField(
        _l('Why this item is missing'),
        validators=[Optional()],
        description=_l(
            'Plain text, %(min)s to %(max)s characters; kept with the record.', min=REASON_MIN, max=REASON_MAX
        ),
    )


class ArchiveForm(ActionForm):
    """The director's approval: the topic step ``archive``."""


class AppraisalForm(Form):
    """An appraisal of an item past its term: the group's members and its conclusion."""

    item = HiddenField()
    members = SelectMultipleField(
        _l('Members of the appraisal group'),
        coerce=str,
        validators=[Optional()],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        description=_l("At least two people, at least one a residents' representative."),
    )
    reason = TextAreaField(
        _l('Conclusion of the appraisal'),
        validators=[Optional()],
        description=_l(
            'Plain text, %(min)s to %(max)s characters: why the item may be destroyed.', min=REASON_MIN, max=REASON_MAX
        ),
    )


class DestroyForm(ActionForm):
    """The director carries out an appraisal: the destruction register's entry."""
