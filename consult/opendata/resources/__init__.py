"""One module per resource of the API; importing this package registers every route on the blueprint."""

from . import communities  # noqa: F401
from . import meetings  # noqa: F401
from . import minutes  # noqa: F401
from . import outcomes  # noqa: F401
from . import records  # noqa: F401
from . import rules  # noqa: F401
from . import topics  # noqa: F401
from . import transparency  # noqa: F401
from . import use_of_results  # noqa: F401
from . import votes  # noqa: F401
