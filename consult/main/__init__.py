"""The home page and site-wide settings (language)."""

import logging

from flask import Blueprint

bp = Blueprint('main', __name__)
logger = logging.getLogger(__name__)
