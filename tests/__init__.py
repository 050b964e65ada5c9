# Imported before any test module or conftest: under pytest-xdist each worker gets its own database and Redis db
# before ``consult.config`` reads the TEST_* variables (tests/workers.py).
from tests.workers import separate

separate()
