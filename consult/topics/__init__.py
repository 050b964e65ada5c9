"""Topics: how a matter becomes a consultation topic (intake, co-signing, review, Party confirmation)."""

import logging

from flask import Blueprint

bp = Blueprint('topics', __name__, url_prefix='/topics')
logger = logging.getLogger(__name__)
