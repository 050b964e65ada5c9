"""What votes connects when the app is built: its predicates, the topic page's votes section, the meeting's
motions for its minutes and its votes for its record, and the closer started with the first request of each server
process."""

from flask import current_app
from flask import url_for
from flask_babel import gettext as _

from consult.kernel import actions
from consult.kernel.signals import BundleItem
from consult.kernel.signals import MotionLine
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import meeting_motions
from consult.kernel.signals import meeting_record_sections
from consult.kernel.signals import public_records
from consult.kernel.signals import topic_page

from . import meeting_record
from . import permissions as p
from . import record_kinds
from .states import MACHINE


def _topic_page(topic, user=None, **_kwargs):
    from .models import STATUS_LABELS
    from .queries import votes_of_topic

    return {
        'topic_votes': [v for v in votes_of_topic(topic.id) if p.can_view_vote(user, v)],
        'vote_status_labels': STATUS_LABELS,
    }


def _motions(meeting, **_kwargs):
    from .queries import votes_of_meeting
    from .views import counted

    lines = []
    for vote in votes_of_meeting(meeting.id):
        result = counted(vote)  # from the vote's row: no statement per vote
        lines.append(
            MotionLine(
                title=vote.title,
                agenda_item_id=vote.agenda_item_id,
                status=str(vote.status),
                result=(result['summary'] + ' ' + ' '.join(result['quorum'] + result['motion'])).strip()
                if result
                else '',
                url=url_for('votes.detail', vote_id=vote.id),
            )
        )
    return lines


def _start_closer():
    from .closer import ensure_started

    ensure_started(current_app._get_current_object())


def _bundle_items(topic, **_kwargs) -> BundleItem:
    """Rule 34: the vote tally with its quorum, if a vote was held (every closed vote has its counted result)."""
    import sqlalchemy as sa

    from consult.db import db
    from consult.votes.models import Vote
    from consult.votes.models import VoteStatus

    rows = db.session.execute(
        sa.select(Vote.id, Vote.result, Vote.status).where(
            Vote.topic_id == topic.id, Vote.status != VoteStatus.CANCELLED
        )
    ).all()
    closed = [row for row in rows if row.status == VoteStatus.CLOSED]
    if len(closed) < len(rows):  # a vote prepared or open: the record is not complete
        return BundleItem(
            'vote_tally',
            _('Vote tally with the quorum calculation'),
            False,
            True,
            bundle_url('votes.detail', vote_id=rows[0].id),
            _('%(num)s votes not closed', num=len(rows) - len(closed)),
        )
    return BundleItem(
        'vote_tally',
        _('Vote tally with the quorum calculation'),
        bool(closed) and all(row.result for row in closed),
        bool(closed),
        bundle_url('votes.detail', vote_id=closed[0].id) if closed else None,
        _('%(num)s votes held', num=len(closed)) if closed else _('No vote was held'),
    )


def plug() -> None:
    public_records.connect(record_kinds.contribute, weak=False)
    topic_page.connect(_topic_page, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    meeting_motions.connect(_motions, weak=False)
    meeting_record_sections.connect(meeting_record.section, weak=False)
    actions.register_all(
        'vote',
        {
            'prepare': p.can_prepare,
            'view': p.can_view_vote,
            'run': p.runs_vote,
            'cast': p.may_cast,
        },
    )
    actions.register_machine(MACHINE)
    _plug_onsite()


def _plug_onsite() -> None:
    """The on-site channel and written proxies: their actions, and the on-site ballots counted at the close."""
    from .onsite_count import ballots_at_close
    from .signals import onsite_ballots

    onsite_ballots.connect(ballots_at_close, weak=False)
    actions.register_all(
        'vote',
        {'onsite': p.runs_onsite, 'count_onsite': p.counts_onsite, 'proxies': p.registers_proxies},
    )


def init_app(app) -> None:
    """Start the closer with the first request each server process serves (not at build: no side effects)."""
    app.before_request(_start_closer)
