"""Votes (表决): how a consultation reaches a recorded, counted, checkable outcome.

A vote belongs to a meeting (the chair opens it in the session, one at a time) or stands alone online with its
opening and closing times set in advance. Its electorate is frozen when it opens: the meeting's frozen roster's
voters, or the community's voting residents by criteria. Each elector casts at most one ballot, on any channel.

Ballots are sealed while the vote is open (``sealing.py``): nothing stored links a voter to a choice, and no
count exists anywhere before the close. At the close the box is opened, the choices are written in random order,
the voters' receipt codes apart and sorted, and the rule set's engine counts them (``counting.py``,
``decide.py``). README.md, "Secret ballots", gives the design.
"""

import logging

from flask import Blueprint

bp = Blueprint('votes', __name__, url_prefix='/votes')
logger = logging.getLogger(__name__)
