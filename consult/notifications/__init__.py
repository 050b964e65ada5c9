"""Notifications: what a person is told in the app, live on their open pages, and by email if they gave one.

Any context uses it (``operations.notify``); a context that notifies registers the labels of its kinds when
the app is built (``operations.register_kinds``), so this context imports none of them.
"""

import logging

from flask import Blueprint

bp = Blueprint('notifications', __name__, url_prefix='/topics')
logger = logging.getLogger(__name__)
