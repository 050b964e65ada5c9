"""The on-site channel (现场): voters marked as voting on paper or by hand, and the count made in the room.

While the vote is open the committee

- marks electors as having voted on paper or by show of hands (one by one, or every elector signed in on site
  who has not voted): one conditional ``UPDATE ... WHERE voted_via IS NULL``, as a cast, so a person marked on
  site cannot vote online and someone who voted online cannot be marked; in a meeting's vote only a person
  signed in on site (QR code or staff; for a written proxy, the holder) is marked;
- enters the on-site result: a secret vote's count per option (and blank), or an open vote's choice of each
  on-site voter by name (the entry marks the voter). A second committee member, not the one who entered it,
  confirms an entry; the topic's submitter and originator neither enter nor confirm (conflict of interest).
  A correction is a new entry superseding the latest one, with its reason; the earlier entry stays. The close
  counts the latest confirmed entry of each chain (``onsite_count.py``); an unconfirmed one is not counted.

Reconciliation: a count (ballots plus blank) never exceeds the electors marked as voting on site, and none of
those voted online (the marking refuses them).

Embargo: the on-site count is made by hand in the room, so the staff counting know it. The platform shows an
entry, confirmed or not, before the close only to the committee of the vote's community, on the on-site page
(``routes_onsite.py``); no public page, socket push, export, audit detail or log line carries an on-site number
before the close. After it, the counted entries, who entered and confirmed them and every correction are
published with the result (``onsite_count.record``).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.meetings.models import Attendance
from consult.meetings.models import CheckinMethod

from . import guards as g
from . import logger
from .ballots import lock_vote
from .models import CHANNEL_LABELS
from .models import ONSITE_CHANNELS
from .models import Channel
from .models import Elector
from .models import VoteStatus
from .permissions import counts_onsite
from .permissions import runs_onsite

#: Signed in on site: by the room's QR code, or marked present by staff (not by joining online).
ON_SITE_METHODS = (CheckinMethod.QR, CheckinMethod.STAFF)


def require_staff(actor, vote) -> None:
    if not runs_onsite(actor, vote):
        raise Refusal(_('The committee marks on-site voters and enters on-site counts.'), g.WHO_RUNS, code='forbidden')


def require_counter(actor, vote) -> None:
    require_staff(actor, vote)
    if not counts_onsite(actor, vote):
        raise Refusal(
            _('You raised or submitted this topic: you may not enter or confirm its votes.'),
            g.COUNTER_CONFLICT,
            code='conflict',
        )


def require_open(vote) -> None:
    lock_vote(vote)  # shared: a close waits for this entry, and a later entry finds the vote closed
    if vote.status != VoteStatus.OPEN or (vote.closes_at is not None and utcnow() >= vote.closes_at):
        raise Refusal(
            _('On-site ballots are marked and counted while the vote is open.'), g.OPEN_PERIOD, code='not_open'
        )


def onsite_channel(vote, channel) -> str:
    if channel not in ONSITE_CHANNELS:
        raise Refusal(_('Choose paper or show of hands.'), g.CHOICE, code='bad_channel')
    if vote.secret and channel == Channel.HAND:
        raise Refusal(
            _('A show of hands is not secret: a secret vote takes paper ballots on site.'),
            g.SECRECY,
            code='hand_not_secret',
        )
    return str(channel)


def is_weighted(vote) -> bool:
    """Whether some elector's ballot weighs other than 1 (household weights were imported)."""
    return bool(db.session.scalar(sa.select(sa.exists().where(Elector.vote_id == vote.id, Elector.weight != 1))))


def refuse_weighted_count(vote) -> None:
    if vote.secret and is_weighted(vote):
        raise Refusal(
            _(
                'This vote is counted by household weight: a secret count by heads on site cannot carry the weights. '
                'Its voters vote online or on a device in the room.'
            ),
            g.WEIGHTED_ONSITE,
            code='weighted',
        )


def elector_for(vote, user_id) -> Elector:
    elector = db.session.scalar(sa.select(Elector).where(Elector.vote_id == vote.id, Elector.user_id == user_id))
    if elector is None:
        raise Refusal(
            _('That person is not in the electorate of this vote (it was fixed when the vote opened).'),
            g.ELECTORATE,
            code='not_elector',
        )
    return elector


def signed_in_on_site(vote):
    """The users signed in at the vote's meeting on site (a subquery)."""
    return sa.select(Attendance.user_id).where(
        Attendance.meeting_id == vote.meeting_id, Attendance.method.in_([str(m) for m in ON_SITE_METHODS])
    )


def check_present(vote, elector: Elector) -> None:
    if vote.meeting_id is None:
        return  # a standalone vote's paper ballot is handed in at the committee's office
    who = elector.proxy_holder_id or elector.user_id
    present = db.session.scalar(
        sa.select(
            sa.exists().where(
                Attendance.meeting_id == vote.meeting_id,
                Attendance.user_id == who,
                Attendance.method.in_([str(m) for m in ON_SITE_METHODS]),
            )
        )
    )
    if not present:
        if elector.proxy_holder_id is not None:
            message = _("The holder of this voter's written proxy is not signed in at the meeting on site.")
        else:
            message = _('This voter is not signed in at the meeting on site (QR code or staff): sign them in first.')
        raise Refusal(message, g.ONSITE_PRESENCE, code='not_on_site')


def already_voted(elector: Elector) -> Refusal:
    channel = CHANNEL_LABELS.get(elector.voted_via, elector.voted_via)
    return Refusal(
        _('A ballot was already cast for this voter (%(channel)s): one ballot per voter.', channel=channel),
        g.ONE_BALLOT,
        code='already_voted',
    )


def mark(elector: Elector, channel: str) -> None:
    done = db.session.execute(
        sa.update(Elector)
        .where(Elector.id == elector.id, Elector.voted_via.is_(None))
        .values(voted_via=channel)
        .execution_options(synchronize_session='fetch')
    ).rowcount
    if not done:
        db.session.refresh(elector)
        raise already_voted(elector)


def mark_voted(actor, vote, user_id: int, channel: str) -> Elector:
    """Mark the elector ``user_id`` as having voted on site (``paper`` or ``hand``).

    :raises Refusal: not the committee, the vote not open, a show of hands in a secret vote, a weighted secret
        vote, not an elector, not signed in on site, or already voted (on any channel).
    """
    require_staff(actor, vote)
    channel = onsite_channel(vote, channel)
    require_open(vote)
    refuse_weighted_count(vote)
    elector = elector_for(vote, user_id)
    if elector.voted_via is not None:
        raise already_voted(elector)
    check_present(vote, elector)
    mark(elector, channel)
    record(actor, 'vote.onsite_mark', community=vote.community, subject=elector.user, vote_id=vote.id, channel=channel)
    logger.info('vote %s: an elector was marked as voting on site by %s', vote.id, actor.id)
    return elector


def mark_attendees(actor, vote, channel: str = Channel.PAPER) -> int:
    """Mark every elector signed in on site who has not voted (and gave no proxy) as voting on site.

    :return: how many were marked.
    :raises Refusal: as :func:`mark_voted`, or a standalone vote (it has no sign-in sheet).
    """
    require_staff(actor, vote)
    channel = onsite_channel(vote, channel)
    if vote.meeting_id is None:
        raise Refusal(_("Only a meeting's vote has an on-site sign-in sheet."), g.ONSITE_PRESENCE, code='no_meeting')
    require_open(vote)
    refuse_weighted_count(vote)
    marked = db.session.execute(
        sa.update(Elector)
        .where(
            Elector.vote_id == vote.id,
            Elector.voted_via.is_(None),
            Elector.proxy_holder_id.is_(None),
            Elector.user_id.in_(signed_in_on_site(vote)),
        )
        .values(voted_via=channel)
        .execution_options(synchronize_session='fetch')
    ).rowcount
    # No number in the record: how many voted on site is part of the count, published at the close.
    record(actor, 'vote.onsite_mark_all', community=vote.community, vote_id=vote.id, channel=channel)
    return marked
