"""The fragments live pages fetch when told ``vote:changed``: one vote's panel (its page) and a meeting's votes
(its live room), rendered in the reader's language. No count is in either before the close."""

from datetime import timedelta

from flask import abort
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from consult.db import db
from consult.kernel.actions import may
from consult.kernel.clock import utcnow

from . import bp
from . import queries
from .closer import settle
from .forms import StepForm
from .routes import load_vote
from .views import panel_context

#: The live room shows a result closed this recently unfolded; earlier results are folded under their titles.
RECENT_RESULT = timedelta(minutes=30)
#: The room's order: the open vote first, then those prepared (for whoever runs them), then the results.
ROOM_ORDER = {'open': 0, 'draft': 1, 'closed': 2}


@bp.route('/<int:vote_id>/panel')
def panel(vote_id: int):
    """The ballot or the result of one vote; ``?on=page``: as its own page shows it (under the vote's title)."""
    vote = load_vote(vote_id)
    on_page = request.args.get('on') == 'page'
    return render_template(
        'votes/_panel.html', vote=vote, on_page=on_page, step_form=StepForm(), **panel_context(vote, current_user)
    )


@bp.route('/meeting/<int:meeting_id>/panels')
@login_required
def meeting_panels(meeting_id: int):
    """The votes of a meeting for its live room: open first, then prepared (for those who run them), then closed."""
    from consult.meetings.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not may(current_user, 'meeting.room', meeting):
        abort(404)
    votes = queries.votes_of_meeting(meeting.id)
    for vote in votes:
        settle(vote)
    shown = sorted(
        (v for v in votes if v.status != 'draft' or may(current_user, 'vote.run', v)),
        key=lambda v: (ROOM_ORDER.get(v.status, 3), -(v.id)),
    )
    return render_template(
        'votes/_panels.html',
        panels=[(v, panel_context(v, current_user)) for v in shown],
        step_form=StepForm(),
        recent_since=utcnow() - RECENT_RESULT,
        prepares=may(current_user, 'meeting.moderate', meeting) and meeting.ahead_or_in_session,
        meeting=meeting,
    )
