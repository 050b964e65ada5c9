"""On-site entries: a secret vote's count or an open vote's choices by name, each confirmed by a second person.

``onsite.py`` says what the on-site channel is (marking, the two-person rule, reconciliation, the embargo);
``onsite_count.py`` what the close counts.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason

from . import guards as g
from . import logger
from .ballots import checked_choice
from .models import ONSITE_CHANNELS
from .models import Elector
from .models import VoteKind
from .onsite import already_voted
from .onsite import check_present
from .onsite import elector_for
from .onsite import mark
from .onsite import onsite_channel
from .onsite import refuse_weighted_count
from .onsite import require_counter
from .onsite import require_open
from .onsite_models import REASON_MAX
from .onsite_models import EntryKind
from .onsite_models import OnsiteEntry


def marked_on_site(vote) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Elector.id)).where(
            Elector.vote_id == vote.id, Elector.voted_via.in_([str(c) for c in ONSITE_CHANNELS])
        )
    )


def _reconcile(vote, total: int) -> None:
    marked = marked_on_site(vote)
    if total > marked:
        raise Refusal(
            _(
                'The on-site count (%(total)s ballots, blank ones included) is more than the %(marked)s voters marked '
                'as voting on site. Mark the voters who handed in a ballot (nobody who voted online can be), or count '
                'again.',
                total=total,
                marked=marked,
            ),
            g.RECONCILIATION,
            code='over_marked',
        )


def latest_entry(vote, kind: str, voter_id: int | None = None) -> OnsiteEntry | None:
    """The newest entry of a chain: the vote's count, or one voter's roll-call choice."""
    query = sa.select(OnsiteEntry).where(OnsiteEntry.vote_id == vote.id, OnsiteEntry.kind == kind)
    if kind == EntryKind.PERSON:
        query = query.where(OnsiteEntry.voter_id == voter_id)
    return db.session.scalar(query.order_by(OnsiteEntry.id.desc()).limit(1))


def _stale() -> Refusal:
    return Refusal(
        _('Someone else entered a count or correction just now: check the latest entry, then correct it if needed.'),
        g.RECORD_KEPT,
        code='stale',
    )


def _correction(latest: OnsiteEntry | None, supersedes_id: int | None, reason: str) -> str:
    """The reason of a correction of ``latest`` (``''`` for a first entry); ``supersedes_id``: the latest seen."""
    if (latest.id if latest is not None else None) != supersedes_id:
        raise _stale()
    if latest is None:
        return ''
    reason = require_reason(reason, _('Say why the earlier entry is corrected.'))
    if len(reason) > REASON_MAX:
        raise Refusal(_('The reason is too long.'), g.RECORD_KEPT, code='long_reason')
    return reason


def _insert(entry: OnsiteEntry) -> OnsiteEntry:
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        raise _stale() from None  # another first entry, or another correction of the same entry, won
    return entry


def _counts(vote, counts, blank, ballots) -> tuple[list[int], int, int]:
    """Check a count against the vote; return ``(counts, blank, ballots)`` (non-blank ballots)."""
    most = vote.electorate_size
    values = list(counts) if isinstance(counts, list | tuple) else None
    if values is None or len(values) != len(vote.options):
        raise Refusal(_('Give a number for each option.'), g.CHOICE, code='bad_counts')
    for value in [*values, blank]:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
            raise Refusal(
                _('Each number is a whole number from 0 to %(num)s (the electorate).', num=most),
                g.CHOICE,
                code='bad_counts',
            )
    if vote.kind == VoteKind.MOTION and blank:
        raise Refusal(_('A motion has no blank ballot: abstain is the blank.'), g.CHOICE, code='motion_blank')
    marks = sum(values)
    if vote.kind != VoteKind.MULTIPLE:
        return values, blank, marks
    if not isinstance(ballots, int) or isinstance(ballots, bool):
        raise Refusal(_('Give the number of ballots that are not blank.'), g.CHOICE, code='bad_ballots')
    if (marks == 0 and ballots != 0) or (marks and not max(values) <= ballots <= marks <= ballots * vote.max_choices):
        raise Refusal(
            _(
                'The number of ballots does not fit the marks: each ballot that is not blank marks 1 to %(num)s '
                'options, and no option more than once.',
                num=vote.max_choices,
            ),
            g.CHOICE,
            code='bad_ballots',
        )
    return values, blank, ballots


def enter_count(
    actor, vote, counts, blank: int = 0, ballots: int | None = None, supersedes_id: int | None = None, reason: str = ''
) -> OnsiteEntry:
    """Enter a secret vote's on-site count: ``counts`` per option, ``blank`` ballots (``ballots``: multiple choice).

    :param supersedes_id: the latest entry the actor saw (``None``: none); a new entry corrects it, with ``reason``.
    :raises Refusal: who (the committee, not conflicted), state, an open vote or a ranked one, bad numbers, a
        stale form, or more ballots than voters marked on site.
    """
    require_counter(actor, vote)
    if not vote.secret:
        raise Refusal(_('An open (roll-call) vote is entered voter by voter.'), g.PROCEDURE, code='roll_call')
    if vote.kind == VoteKind.RANKED:
        raise Refusal(
            _('A ranked vote has no count by option: its on-site voters vote on a device in the room.'),
            g.CHOICE,
            code='ranked',
        )
    counts, blank, ballots = _counts(vote, counts, blank, ballots)
    require_open(vote)
    refuse_weighted_count(vote)
    latest = latest_entry(vote, EntryKind.COUNT)
    reason = _correction(latest, supersedes_id, reason)
    _reconcile(vote, ballots + blank)
    entry = _insert(
        OnsiteEntry(
            vote_id=vote.id,
            kind=EntryKind.COUNT,
            counts=counts,
            blank=blank,
            ballots=ballots,
            supersedes_id=latest.id if latest is not None else None,
            reason=reason,
            entered_by_id=actor.id,
        )
    )
    # The record names the entry, never its numbers (the embargo holds until the close).
    record(actor, 'vote.onsite_entry', community=vote.community, vote_id=vote.id, entry=entry.id, reason=reason)
    logger.info('vote %s: on-site entry %s by %s', vote.id, entry.id, actor.id)
    return entry


def enter_person(
    actor, vote, user_id: int, raw_choice, channel: str, supersedes_id: int | None = None, reason: str = ''
) -> OnsiteEntry:
    """Enter an open vote's on-site ballot of elector ``user_id`` (marking them, on a first entry).

    :raises Refusal: who, state, a secret vote, a bad choice, not an elector, not on site, voted online, or a
        stale form.
    """
    require_counter(actor, vote)
    if vote.secret:
        raise Refusal(
            _('A secret ballot is never entered by name: enter the count of the paper ballots.'),
            g.SECRECY,
            code='secret',
        )
    channel = onsite_channel(vote, channel)
    choice = checked_choice(vote, raw_choice)
    require_open(vote)
    elector = elector_for(vote, user_id)
    latest = latest_entry(vote, EntryKind.PERSON, user_id)
    reason = _correction(latest, supersedes_id, reason)
    if elector.voted_via is None:
        check_present(vote, elector)
        mark(elector, channel)
    elif elector.voted_via not in ONSITE_CHANNELS:
        raise already_voted(elector)
    entry = _insert(
        OnsiteEntry(
            vote_id=vote.id,
            kind=EntryKind.PERSON,
            voter_id=user_id,
            choice=list(choice),
            channel=channel,
            supersedes_id=latest.id if latest is not None else None,
            reason=reason,
            entered_by_id=actor.id,
        )
    )
    record(
        actor,
        'vote.onsite_entry',
        community=vote.community,
        subject=elector.user,
        vote_id=vote.id,
        entry=entry.id,
        reason=reason,
    )
    return entry


def confirm_entry(actor, vote, entry_id: int) -> OnsiteEntry:
    """Confirm an entry someone else made: from now on it counts (if no correction supersedes it).

    :raises Refusal: who, state, one's own entry, a superseded or already confirmed entry, or a count now over
        the voters marked on site.
    """
    require_counter(actor, vote)
    require_open(vote)
    entry = db.session.get(OnsiteEntry, entry_id)
    if entry is None or entry.vote_id != vote.id:
        raise Refusal(_('No such entry in this vote.'), g.RECORD_KEPT, code='not_found')
    if entry.entered_by_id == actor.id:
        raise Refusal(_('You entered this: another committee member confirms it.'), g.TWO_COUNTERS, code='own_entry')
    superseded = db.session.scalar(sa.select(sa.exists().where(OnsiteEntry.supersedes_id == entry.id)))
    if superseded:
        raise Refusal(
            _('A correction replaces this entry: confirm the correction instead.'), g.RECORD_KEPT, code='superseded'
        )
    if entry.kind == EntryKind.COUNT:
        _reconcile(vote, entry.ballots + entry.blank)
    done = db.session.execute(
        sa.update(OnsiteEntry)
        .where(
            OnsiteEntry.id == entry.id,
            OnsiteEntry.confirmed_by_id.is_(None),
            OnsiteEntry.entered_by_id != actor.id,
        )
        .values(confirmed_by_id=actor.id, confirmed_at=utcnow())
        .execution_options(synchronize_session='fetch')
    ).rowcount
    if not done:
        raise Refusal(_('This entry is already confirmed.'), g.TWO_COUNTERS, code='already_confirmed')
    record(actor, 'vote.onsite_confirm', community=vote.community, vote_id=vote.id, entry=entry.id)
    return entry
