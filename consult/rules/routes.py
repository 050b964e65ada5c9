"""Rule set pages (the public page and the director's editing flow live here)."""

from consult.rules import bp  # noqa: F401 - views are added by the rules UI
from consult.rules import models  # noqa: F401 - the models must be known to the app and to Alembic
