"""Votes (表决): motions and options put to a vote, their ballots, the count and the decision under the rule set."""

import logging

logger = logging.getLogger(__name__)
