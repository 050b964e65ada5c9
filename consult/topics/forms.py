"""Topic forms. Choices are set by the route from the rule set in force and the actor's channels."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import OnceForm
from consult.topics.attachments import filetypes
from consult.topics.models import AREA_LABELS
from consult.topics.models import FORM_LABELS
from consult.topics.operations import BODY_MAX
from consult.topics.operations import TITLE_MAX


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TopicForm(OnceForm):
    community_id = SelectField(_l('Community'), coerce=int)
    channel = SelectField(_l('Source channel'))
    originator = StringField(
        _l("Resident's mobile number or email"),
        validators=[Optional(), Length(max=254)],
        description=_l('When you submit on behalf of a resident: the verified resident who raised the matter.'),
    )
    title = StringField(_l('Title'), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(
        _l('Description'),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        description=_l('Markdown is allowed: *emphasis*, lists, links. HTML is not.'),
    )
    categories = MultiCheckboxField(_l('Categories'))
    area_kind = RadioField(_l('Affected area'), default='community')
    grid_ids = MultiCheckboxField(_l('Grids'), coerce=int)
    building_ids = MultiCheckboxField(_l('Buildings'), coerce=int)
    declared_not_excluded = BooleanField(
        _l(
            "I declare the matter is none of these: state secrets, one person's private matters, "
            "a dispute before a court or arbitration, a city department's statutory duty."
        )
    )
    private = BooleanField(_l('It concerns personal information: keep it private (not shown publicly)'))
    attachments = MultipleFileField(_l('Attach files'), render_kw={'accept': filetypes.ACCEPT})
    save = SubmitField(_l('Save draft'))
    submit_now = SubmitField(_l('Submit'))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_kind.choices = [(str(k), str(v)) for k, v in AREA_LABELS.items()]
        config = current_app.config
        self.attachments.description = _(
            'Optional. PDF, JPEG, PNG, WebP, plain text (.txt), Word (.docx), Excel (.xlsx) or OpenDocument '
            '(.odt). Up to %(count)s files per topic, each at most %(size)s, %(total)s in all.',
            count=config['ATTACHMENT_MAX_COUNT'],
            size=filetypes.human_size(config['ATTACHMENT_MAX_BYTES']),
            total=filetypes.human_size(config['ATTACHMENT_MAX_TOTAL_BYTES']),
        )

    def data_dict(self) -> dict:
        return {
            'title': self.title.data,
            'body': self.body.data,
            'categories': self.categories.data or [],
            'area_kind': self.area_kind.data,
            'grid_ids': self.grid_ids.data or [],
            'building_ids': self.building_ids.data or [],
            'declared_not_excluded': self.declared_not_excluded.data,
            'private': self.private.data,
        }


class StepForm(Form):
    """A step that may need a reason, an exclusion, a merge target or the confirmation details."""

    reason = TextAreaField(_l('Reason'), validators=[Optional(), Length(max=2000)])
    exclusion = SelectField(_l('Excluded matter type (if any)'), validators=[Optional()])
    target_id = SelectField(_l('Merge into'), coerce=int, validators=[Optional()])
    categories = MultiCheckboxField(_l('Categories'))
    participant_scope = TextAreaField(
        _l('Participant scope'),
        validators=[Optional(), Length(max=2000)],
        description=_l('Who takes part: stakeholder groups, residents of which grids or buildings, units.'),
    )
    consultation_form = RadioField(_l('Form of consultation'), validators=[Optional()])
    form_reason = TextAreaField(_l('Why this form'), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation_form.choices = [(str(k), str(v)) for k, v in FORM_LABELS.items()]
