"""Meetings (议事会议): how a confirmed topic is deliberated, on site, online or by video.

A meeting belongs to a topic. Its roster (一事一议一主体) is built from criteria and frozen when it opens;
quorum is computed against the frozen roster with the rule set's rule for the meeting type. The live room
(``events.py``, ``live.py``) carries chat with per-meeting sequence numbers, the speaker queue, the agenda
timer, moderation and presence. The minutes (``minutes.py``, ``snapshot.py``) are written by the secretary
until the chair signs them off, then frozen with their SHA-256; corrections are appended.
"""

import logging

from flask import Blueprint

bp = Blueprint('meetings', __name__, url_prefix='/meetings')
logger = logging.getLogger(__name__)
