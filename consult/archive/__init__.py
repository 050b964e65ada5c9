"""The archive (档案管理, domain.md rules 33-37): bundles, waivers, retention, appraisal and destruction.

Design:

- **The bundle** (rule 34). Each context contributes the items of a topic's record it holds through the kernel's
  ``archive_items`` signal (:class:`~consult.kernel.signals.BundleItem`); :mod:`.checklist` lists them with their
  waivers and retention. A topic closed before consultation (withdrawn, not accepted, merged) needs only its
  submission and review record; the other items are shown, not required.
- **Archiving** is the topic step ``archive`` (FEEDBACK_GIVEN, WITHDRAWN, REJECTED or MERGED -> ARCHIVED): committee
  staff assemble the bundle and record a waiver with its reason for any missing item; the committee director
  approves. Its guard refuses while a required item is missing without a waiver, naming the items.
- **Read-only everywhere.** ``consult.topics.permissions.topic_writable`` is asked by every write predicate of
  every context; an archived topic refuses every write, through routes and socket events.
- **Retention** (rule 36): permanent, 30 or 10 years by item class, from the community's rule set.
- **Destruction** (rule 37): never a hard delete. A fixed-term item past its term is appraised by a group of
  recorded members, at least one a residents' representative, with a reason; the director then destroys it,
  which writes an entry to the destruction register (kept permanently). Its content is withheld from the archive
  page and the export; its rows stay, so the transparency log still verifies.
- **Export** (:mod:`.export`): the bundle as files (record.json, parts/*.csv, transcript.html, minutes.html,
  attachments), zipped by the download route.
"""

import logging

from flask import Blueprint

bp = Blueprint('archive', __name__, url_prefix='/archive')
logger = logging.getLogger(__name__)
