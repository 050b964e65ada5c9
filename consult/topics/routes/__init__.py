"""Topic pages: intake and co-signing (``intake``), review and confirmation steps (``steps``)."""

from consult.topics.routes import attachments  # noqa: F401
from consult.topics.routes import intake  # noqa: F401
from consult.topics.routes import public  # noqa: F401
from consult.topics.routes import steps  # noqa: F401
