"""Comment periods: asynchronous online consultation on a topic (issue 4; domain.md rules 20, 21, 38).

Design:

- The committee (staff or director of the topic's community) opens a comment period of 1 to 60 days on an
  ANNOUNCED topic whose publicity period has ended (``publicity_ends_at <= now``), which moves it to
  IN_CONSULTATION (transition ``open_comments``), or on a topic already IN_CONSULTATION (a further round).
  One period is open at a time. It ends by time: ``closes_at = opened_at + days``, computed, no cron; a
  comment at ``closes_at`` minus one second is in time, at ``closes_at`` it is late. The committee may
  close it early with a reason.
- Comments are plain text (``clean_text``, 1 to 2,000 characters), threaded one level deep: a reply to a
  reply attaches to the root. Root comments carry a stance (for / against / neutral); replies may. Who may
  comment: verified adult residents of the community, representatives, NPC deputies (observers), experts
  and the committee itself. Each comment keeps its author's badge at posting time (staff, representative,
  observer, expert, resident) and shows the display name, never a mobile number.
- Pace: at most ``COMMENT_RATE_LIMIT`` (default 5 per minute) per user, counted in the same ``limits``
  storage Flask-Limiter uses (Redis in production); the same text by the same user within a minute is
  refused as a duplicate.
- The committee hides a comment with a reason: the row and its text stay (the archive keeps them), the public
  sees "hidden by the committee: <reason>", the audit log records it. Hidden comments leave the tally.
- The tally counts the visible comments that carry a stance (every root comment, and replies that gave one).
- After the period ends the committee writes the summary (Markdown, required): the consultation opinion a
  later step uses. ``conclude_comments`` moves the topic IN_CONSULTATION -> OPINION_FORMED once the latest
  period is closed and summarised. Opening and concluding notify the submitter and co-signers (the topic
  steps' notifications); posting and hiding push ``comment_posted`` / ``comment_hidden`` to ``topic:<id>``.
"""

import logging

from flask import Blueprint

bp = Blueprint('comments', __name__, url_prefix='/comments')
logger = logging.getLogger(__name__)
