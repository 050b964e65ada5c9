"""The API's routes: every resource, the OpenAPI document and its reference page, the results feed."""

from consult.extensions import limiter
from consult.opendata import feed  # noqa: F401
from consult.opendata import openapi  # noqa: F401
from consult.opendata import resources  # noqa: F401
from consult.opendata.api import http_error

from . import bp


@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(405)
def _http_error(exc):
    return http_error(exc)


def _api_limit() -> str:
    from flask import current_app

    return current_app.config['API_RATE_LIMIT']


# One budget for the whole API per client address (not one per route): a crawler cannot multiply it by routes.
limiter.shared_limit(_api_limit, scope='api')(bp)
