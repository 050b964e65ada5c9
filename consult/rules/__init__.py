"""Rule sets (议事协商规则): each community's versioned rules, and the engine that evaluates thresholds."""

import logging

from flask import Blueprint

bp = Blueprint('rules', __name__, url_prefix='/rules')
logger = logging.getLogger(__name__)
