"""Meeting pages: preparing a meeting (``manage``) and taking part in it (``room``)."""

from consult.meetings import bp
from consult.meetings.routes import manage  # noqa: F401
from consult.meetings.routes import minutes  # noqa: F401
from consult.meetings.routes import record  # noqa: F401
from consult.meetings.routes import room  # noqa: F401
from consult.meetings.routes.common import inject

bp.app_context_processor(inject)
