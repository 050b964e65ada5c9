"""Audit log: who did what, when and why, for grants, revocations and verifications."""

import logging

from flask import Blueprint

bp = Blueprint('audit', __name__, url_prefix='/audit')
logger = logging.getLogger(__name__)
