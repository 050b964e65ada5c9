"""Result disclosure (结果公开): publication, the objection window, and the public record (issue 14, domain.md
rules 26-32 and 43, Art 12 "社区议事协商结果应当向居民公开").

Design:

- **Publishing is a step no topic skips.** A topic whose legality check passed (or whose deciding vote passed:
  LEGALITY_REVIEWED), or whose deciding vote failed (CLOSED_NOT_ADOPTED), reaches RESULT_PUBLISHED only by the
  topic step ``publish``. Two people take it: committee staff prepare and approve the publication (a
  :class:`~.models.Publication` row with its notice), then the committee director signs it off, which is the
  step. The step stamps the publication with the publicity period and the objection window from the rule set in
  force (``result_publicity_days``, ``objection_window_days``, ``objection_reply_days``).
- **Objections.** Verified residents of the community object with reasons during the window, one open objection
  each per topic; the committee answers each (upheld or not, with reasons) within the reply days; answers are
  public. An upheld objection takes the step ``uphold_objection`` (back to IN_CONSULTATION). Overdue answers are
  flagged to the committee and the supervisory committee (home page, notifications).
- **Irregularities.** The supervisory committee (居务监督委员会) flags an irregularity on any published result,
  publicly and with a reason; the committee answers it.
- **The window closes** (a system step taken by ``flask disclosure sweep``) once the publicity period and the
  objection window have ended, to the second, and every objection has its answer: ``close_window``
  (IMPLEMENTING) for an adopted result, ``report_to_gov`` (REPORTED_TO_GOV) for one entrusted by a department.
  A result not adopted stays published; its window's close is recorded on the publication.
- **One function decides what is public** (:func:`consult.disclosure.public.public_record`): the page, the API
  and exports all read it; it reads a fixed number of statements and never carries personal data.
"""

import logging

from flask import Blueprint

bp = Blueprint('disclosure', __name__)
logger = logging.getLogger(__name__)
