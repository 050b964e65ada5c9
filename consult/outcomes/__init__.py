"""The consultation opinion (协商意见) and its legality check (合法性审查): issue 13, domain.md rules 3, 5, 21, 25.

Design:

- **The opinion** is one record per round of a topic (``Opinion.round``: 1, then 2 after a failed legality
  check and a new consultation): consensus reached or not, the opinion text (Markdown), the dissenting views
  (a list of entries), the closed votes of the topic it relies on, where it came from (the meeting or the
  comment period), who recorded it and when.
- **Drafted by the step that forms it.** When a topic reaches OPINION_FORMED, a listener of ``TopicMoved``
  (in the same transaction) writes the round's opinion from what that step already holds: the meeting chair's
  conclusion (``form_opinion``, taken by closing a meeting with consensus: consensus yes, the meeting's closed
  votes relied on) or the comment period's summary (``conclude_comments``: consensus not stated yet). So every
  topic with an opinion formed shows it at once, and nothing is typed twice.
- **Recorded** by committee staff or the director, or the chair of the meeting it came from, never by the
  topic's submitter or the resident it is for (rule 25): they state the consensus, edit the text, list the
  dissent and pick the votes. The legality check needs a complete opinion (text and the consensus stated).
- **Locked by the legality check.** From then on the opinion stays as it was checked; corrections are appended
  (``OpinionCorrection``, append-only), shown under it.
- **The legality check** is one form with three results, each a topic step (``consult.topics.states``):
  ``pass`` (LEGALITY_REVIEWED: ready to be published), ``fail`` with the law it conflicts with and the reason
  (RETURNED: consulted again through a meeting or a comment period), ``needs_vote`` naming the rule-3 matter
  (PENDING_VOTE). A matter named as one the residents' meeting must decide (now or in an earlier round) can
  never pass without its vote. Committee staff or the director record it, never a party to the matter.
- **The deciding vote moves the topic.** A listener of ``VoteClosed`` (in the closing transaction) takes the
  system step ``vote_passed`` (LEGALITY_REVIEWED), ``vote_failed`` (CLOSED_NOT_ADOPTED) or
  ``vote_quorum_failed`` (PENDING_VOTE again: reconvene) for a deciding vote; other votes move nothing.
"""

import logging

from flask import Blueprint

bp = Blueprint('outcomes', __name__, url_prefix='/outcomes')
logger = logging.getLogger(__name__)
