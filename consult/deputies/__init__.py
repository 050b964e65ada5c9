"""NPC deputies (人大代表, domain.md rules 38-41): dashboard, observation notes, formal suggestions, work record.

Design:

- **Deputies observe, they do not decide** (rule 38). A deputy holds ``Role.NPC_DEPUTY`` per community of their
  constituency. They enter the live room of a meeting there as an observer (列席, ``meetings.permissions``), file
  observation notes on a topic (published with its record through ``result_sections``), comment and submit topics
  (their contexts). They never vote and never edit results: ``tests/deputies/test_permissions.py`` proves it.
- **Formal suggestions** (rule 39) go to a city department serving the community or to its committee, which
  replies within ``deputy_reply_months`` (``deputy_complex_reply_months`` when marked complex), counted in
  Longgang days. ``states.MACHINE``: sent -> replied -> assessed; ``flask deputies sweep`` flags the overdue ones
  (a step that keeps the state) and tells the body and the deputy. Timer, reply and assessment are public; the
  staff member who replied is not named (rule 43).
- **The work record** (rule 41): observed meetings, notes, suggestions and replies, public, as CSV and a printable
  page.
"""

import logging

from flask import Blueprint

bp = Blueprint('deputies', __name__, url_prefix='/deputies')
logger = logging.getLogger(__name__)
