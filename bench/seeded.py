"""The scratch app the page benchmarks measure: ``BENCH_DATABASE_URL`` (or a temporary SQLite file) emptied,
migrated, with the test place (``tests.support.build_place``) and the rows the benchmark loads."""

import os
import tempfile
import time

from consult import create_app
from consult.config import TestingConfig
from consult.db import db
from tests import support


def seeded_app(populate, keep=lambda place: None):
    """Build the app and load ``populate(place)``; ``(app, seconds the load took, database kind, keep(place))``.

    ``keep`` reads what the benchmark needs from the place while the app's context is still open (codes, ids).
    PostgreSQL's statistics are refreshed (``ANALYZE``) before anything is timed.
    """
    url = os.environ.get('BENCH_DATABASE_URL') or f'sqlite:///{tempfile.mkdtemp()}/bench.db'
    app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'RATELIMIT_ENABLED': False})
    with app.app_context():
        support.reset_schema(db.engine)
        support.upgrade(app)
        place = support.build_place(db.session)
        db.session.commit()
        started = time.perf_counter()
        populate(place)
        if db.engine.dialect.name == 'postgresql':
            with db.engine.begin() as conn:
                conn.exec_driver_sql('ANALYZE')
        load = time.perf_counter() - started
        kept = keep(place)
    return app, load, url.split(':')[0].split('+')[0], kept
