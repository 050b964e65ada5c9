"""Dispatch (社区吹哨、部门报到): topics redirected to a city department as tickets the department answers."""

import logging

from flask import Blueprint

bp = Blueprint('dispatch', __name__, url_prefix='/dispatch')
logger = logging.getLogger(__name__)
