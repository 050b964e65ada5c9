"""The use of results (结果运用): issue 14's second half, domain.md rules 27-32.

Design:

- **Three routes** (rule 27). (i) The community carries the result out: the topic is IMPLEMENTING (the
  publication context's ``close_window`` step). (ii) A department entrusted it: the topic is REPORTED_TO_GOV and
  the department replies within the rule set's ``gov_reply_days`` (``gov_reply``: adopted or partly adopted ->
  IMPLEMENTING; ``gov_reply_not_adopted`` -> FEEDBACK_GIVEN, its reasons being the feedback). A late reply is
  recorded as late and flagged. (iii) A result that breaks the law is corrected by the government: a department
  serving the community appends a public correction with the law and the reason (``ResultCorrection``).
- **Tasks** carry an adopted result out: each has an owner (the committee, a grid, or a city department through a
  dispatched item of ``consult.dispatch``, signed off by the director as a whistle is: rule 28), a deadline,
  progress updates with evidence (files stored by ``consult.topics.attachments``) and completion. The first
  report is due within ``implementation_first_report_days``, then every ``implementation_report_interval_days``;
  a task past its deadline or its report is overdue, flagged to the committee and on the public page. A
  department's task is done when the department closes its item with a reply.
- **The second disclosure** (两公开, rule 30): the director signs the implementation off once every task is done
  (``complete_implementation``, with the result text), or explains why it cannot be carried out
  (``cannot_implement``). Either way the ``Feedback`` row is the published implementation result, and
  everyone who took part is told.
- **Satisfaction** (rule 32): for ``satisfaction_days`` after the feedback, verified adult residents of the community
  rate it 1-5 with a comment; one rating each, changed until the period ends (one upsert, so two at once leave
  one row). The distribution is public, raters anonymous; a department's ratings show on its dispatched item.
- **What is public** is decided by one function, :func:`consult.implementation.public.public_implementation`.
"""

import logging

from flask import Blueprint

bp = Blueprint('implementation', __name__, url_prefix='/implementation')
logger = logging.getLogger(__name__)
