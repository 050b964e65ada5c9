"""Role forms."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from consult.forms import Form
from consult.forms import OnceForm
from consult.roles.models import ROLE_LABELS
from consult.roles.models import Role


class GrantForm(OnceForm):
    identifier = StringField(
        _l('Mobile number or email of the person'),
        validators=[DataRequired(), Length(max=254)],
    )
    role = SelectField(_l('Role'), validators=[DataRequired()])
    community_id = SelectField(_l('Community'), coerce=int, validators=[Optional()])
    central_community_id = SelectField(_l('Central community'), coerce=int, validators=[Optional()])
    department_id = SelectField(_l('Department'), coerce=int, validators=[Optional()])
    reason = TextAreaField(
        _l('Reason'),
        validators=[DataRequired(message=_l('State the reason for this grant.')), Length(max=500)],
    )

    def set_choices(self, roles, communities, central_communities, departments):
        self.role.choices = [(str(r), str(ROLE_LABELS[r])) for r in Role if r in roles]
        blank = [(0, '—')]
        self.community_id.choices = blank + [(c.id, c.name) for c in communities]
        self.central_community_id.choices = blank + [(c.id, c.name) for c in central_communities]
        self.department_id.choices = blank + [(d.id, d.name) for d in departments]


class RevokeForm(Form):
    reason = TextAreaField(
        _l('Reason for revocation'),
        validators=[DataRequired(message=_l('State the reason for this revocation.')), Length(max=500)],
    )
