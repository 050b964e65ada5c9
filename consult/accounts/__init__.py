"""Accounts: registration, login and logout, passwords, language preference."""

import logging

from flask import Blueprint

bp = Blueprint('accounts', __name__, url_prefix='/account')
logger = logging.getLogger(__name__)
