"""Communities: the city, central communities (社区联合党委), communities, grids, buildings, households."""

import logging

from flask import Blueprint

bp = Blueprint('communities', __name__, url_prefix='/communities')
logger = logging.getLogger(__name__)
