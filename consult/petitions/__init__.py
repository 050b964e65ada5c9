"""Petitions for a residents' meeting (居民会议): residents force a meeting (domain.md rule 11; S1 art 10).

Design (issue 3, "Petition"):

- A petition belongs to one community. A verified adult resident starts it (title, the matter in plain text
  up to 2,000 characters) and signs it at once. It moves ``open`` → ``threshold_met`` → ``convened``;
  ``withdrawn`` (by the starter while open) and ``lapsed`` end it early.
- Lapse (DESIGN): an open petition not met within ``petition_lapse_days`` (default 90) of the rule set in
  force at its start lapses. It is computed, not timer-dependent: strictly after ``created_at + days`` it reads
  as lapsed and signing is refused naming the rule (the lapse second itself is still open); reading, listing
  or signing stores the lapse (``sweeps.lapse_due``), and ``flask petitions lapse`` does it for every
  community in one transaction (for a daily timer; idempotent; each lapse audited).
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
- The threshold is evaluated after each signature, and when a residence begins or ends in the community
  (claim verified, move, roster import: ``consult.residency.hooks`` calls ``sweeps.recheck_communities``),
  since a move-out can shrink the denominator. A petition already met stays met: the duty to convene, once
  incurred, does not depend on later moves. Signing and the re-check lock the petition row, so racing
  signatures are counted one after another. When met, ``met_at`` is set, and the committee has the
  rules' ``review_deadline_days`` (DESIGN default) to convene: ``convene_due_at = met_at + days``. The rule
  set in force when the petition started and when it was met are both recorded. Committee staff or the
  director record the meeting (date and note); until then the petition is OVERDUE once the current time is
  strictly after ``convene_due_at`` (the deadline second itself is still in time).
- The starter and active signers are told when the threshold is met, the meeting convened, the petition
  lapses or is withdrawn (not the actor): a topics ``Notification`` with ``petition_id``, a
  ``petition_changed`` socket event after commit, and an email when SMTP is configured
  (``notifications.py``). Signers are never listed publicly (rule 43).
- ``topic_id`` (a foreign key) links the topic on the meeting's agenda, chosen when the meeting is recorded:
  a public, non-draft topic of the petition's own community.
"""

import logging

from flask import Blueprint

bp = Blueprint('petitions', __name__, url_prefix='/petitions')
logger = logging.getLogger(__name__)
