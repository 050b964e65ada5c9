"""Residence views: residents' claims (``claims``) and committee staff's tools (``staff``)."""

from flask_login import current_user

from consult.residency import bp
from consult.residency.routes import claims  # noqa: F401 - registers the views on the blueprint
from consult.residency.routes import household_weights  # noqa: F401
from consult.residency.routes import resets  # noqa: F401
from consult.residency.routes import staff  # noqa: F401


@bp.app_context_processor
def _inject():
    """``residence_standing(community)``: why a resident's step may be missing (``residency/_why_not.html``)."""
    from consult.residency.queries import residence_standing

    return {'residence_standing': lambda community: residence_standing(current_user, community)}
