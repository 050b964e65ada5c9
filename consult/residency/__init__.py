"""Residency: claims, verification by staff, roster import, household codes, and eligibility."""

import logging

from flask import Blueprint

bp = Blueprint('residency', __name__, url_prefix='/residency')
logger = logging.getLogger(__name__)
