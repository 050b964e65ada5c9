"""Open data (开放数据): a read-only JSON API, CSV exports and an Atom feed of everything public.

Each resource has one module in ``resources/`` (its routes) and one schema in ``schemas/`` (the single
definition of its public fields: the JSON, the CSV columns and the OpenAPI document all come from it).
Nothing personal is ever in a schema: people appear by role only.

What is public is decided in ``queries.py`` (``public_topic_ids``: the public topic list's rule, and votes only
once closed). A new resource (objections and answers, implementation tasks...) is a schema in ``schemas.py``
and a module in ``resources/`` that calls ``api.register_list`` / ``api.register_item`` with the query of what
is public of it; the OpenAPI document, the CSV export, the reference page and the tests that call every route
of the document (privacy markers, schemathesis) take it up with no other change.
"""

import logging

from flask import Blueprint

bp = Blueprint('opendata', __name__, url_prefix='/api/v1')
logger = logging.getLogger(__name__)
