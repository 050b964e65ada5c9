"""Roles: scoped grants (community, central community, department, city) and their predicates."""

import logging

from flask import Blueprint

bp = Blueprint('roles', __name__, url_prefix='/roles')
logger = logging.getLogger(__name__)
