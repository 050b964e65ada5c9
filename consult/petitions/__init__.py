"""Petitions for a residents' meeting (居民会议): residents force a meeting (domain.md rule 11; S1 art 10).

Design (issue 3, "Petition"):

- A petition belongs to one community. A verified adult resident starts it (title, the matter in plain text
  up to 2,000 characters) and signs it at once. It moves ``open`` → ``threshold_met`` → ``convened``;
  ``withdrawn`` (by the starter while open) and ``lapsed`` end it early. Nothing moves a petition to
  ``lapsed`` yet: the status is reserved for a later expiry rule.
- Signatures come from verified adult residents of the community (``can_vote``), one active signature per
  person (a partial unique index), withdrawable while the petition is open. Signing and withdrawing stop
  once the threshold is met: the committee's duty to convene has arisen and does not depend on later moves.
  Each signature keeps the signer's household and building at signing time, as a record.
- Counts are computed from CURRENT verified memberships, not from what the signature recorded: a signer
  who moves away, or whose residence ends, keeps the signature row but stops counting; a signer counts with
  their current household and building. Age is judged on today's date in the city's time zone.
- The threshold is the rule set's ``petition`` threshold (S1 art 10: 1/5 of adult residents, 1/5 of
  households, or 1/3 of residents' groups). A residents' group (居民小组) is modelled as a BUILDING (楼栋):
  DESIGN, no roster of groups exists. A building "petitions" when more than half of its households that have
  a verified adult resident have a petitioner; the groups base is the number of buildings with at least one
  such household. Old rule sets that compare ``petitioners`` with ``groups`` are read as
  ``groups_petitioning`` (see ``queries.petition_threshold``).
- The threshold is evaluated after each signature (and only then: a roster change alone, e.g. residents
  moving out, does not mark a petition met until the next signature). Signing locks the petition row, so
  racing signatures are counted one after another. When met, ``met_at`` is set, and the committee has the
  rules' ``review_deadline_days`` (DESIGN default) to convene: ``convene_due_at = met_at + days``. The rule
  set in force when the petition started and when it was met are both recorded. Committee staff or the
  director record the meeting (date and note); until then the petition is OVERDUE once the current time is
  strictly after ``convene_due_at`` (the deadline second itself is still in time).
- There is no notification model on this branch: a ``petition_changed`` socket event goes to the starter's
  and active signers' ``user:<id>`` rooms after commit. Signers are never listed publicly (rule 43).
- ``topic_id`` is an optional link to a consultation topic, kept WITHOUT a foreign key until the topics
  context is merged.
"""

import logging

from flask import Blueprint

bp = Blueprint('petitions', __name__, url_prefix='/petitions')
logger = logging.getLogger(__name__)
