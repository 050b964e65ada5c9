"""Open data (开放数据): a read-only JSON API, CSV exports and an Atom feed of everything public.

Each resource has one module in ``resources/`` (its routes) and one schema in ``schemas/`` (the single
definition of its public fields: the JSON, the CSV columns and the OpenAPI document all come from it).
Nothing personal is ever in a schema: people appear by role only.
"""

import logging

from flask import Blueprint

bp = Blueprint('opendata', __name__, url_prefix='/api/v1')
logger = logging.getLogger(__name__)
