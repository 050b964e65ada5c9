"""Residence views: residents' claims (``claims``) and committee staff's tools (``staff``)."""

from consult.residency.routes import claims  # noqa: F401 - registers the views on the blueprint
from consult.residency.routes import resets  # noqa: F401
from consult.residency.routes import staff  # noqa: F401
