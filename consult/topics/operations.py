"""Topic operations: drafts, submission, withdrawal and co-signing. They flush; the caller commits.

Review and confirmation steps go straight through :func:`consult.topics.states.apply`.

Design: a topic enters the admissibility review queue (``queue``) at once when staff, a grid worker, a
department or a deputy submits it; a resident's own topic (channel ``online``) enters it when its
co-signing threshold (rule set ``cosign``: signatures = active co-signs, adults = verified adult residents)
is met. Co-signing stays open while the topic is SUBMITTED; a co-sign can be withdrawn only before the topic
is queued. Counts are always taken from the table, and a partial unique index keeps one active co-sign per
resident and topic, so concurrent co-signs never double count. The stored ``cosign_count`` is counted only
once the topic row is locked (:func:`lock`): concurrent co-signs are serialised on that row, so the last one
to commit counts every co-sign committed before it and none is lost.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.markdown import render_markdown
from consult.kernel.refusals import Refusal
from consult.kernel.rooms import topic_room
from consult.realtime import CosignCount
from consult.realtime import emit_after_commit
from consult.roles.models import Role
from consult.rules.queries import rules_in_force
from consult.security import clean_text
from consult.topics import guards as g
from consult.topics import logger
from consult.topics import permissions as p
from consult.topics import states
from consult.topics.models import AreaKind
from consult.topics.models import CoSign
from consult.topics.models import SourceChannel
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.topics.queries import active_cosign
from consult.topics.queries import active_cosign_count

TITLE_MAX = 120
BODY_MAX = 20000


def _set_content(topic, data, community) -> None:
    title = clean_text(data.get('title'))
    body = (data.get('body') or '').strip()
    if not title or not body:
        raise Refusal(_('A topic needs a title and a description.'), g.PROCEDURE, code='incomplete')
    if len(title) > TITLE_MAX or len(body) > BODY_MAX:
        raise Refusal(_('The title or description is too long.'), g.PROCEDURE, code='too_long')
    topic.title, topic.body, topic.body_html = title, body, render_markdown(body)
    topic.declared_not_excluded = bool(data.get('declared_not_excluded'))
    topic.public = not data.get('private')
    rules = rules_in_force(community, today())
    codes = list(data.get('categories') or [])
    if rules is not None and any(code not in rules.categories for code in codes):
        raise Refusal(_('A category is not in the rule set in force.'), g.CATEGORY, code='bad_category')
    topic.categories = codes
    _set_area(topic, data, community)


def _set_area(topic, data, community) -> None:
    from consult.communities.models import Building
    from consult.communities.models import Grid

    kind = data.get('area_kind') or AreaKind.COMMUNITY
    if kind not in set(AreaKind):
        raise Refusal(_('Choose the affected area.'), g.PROCEDURE, code='bad_area')
    try:
        grid_ids = {int(i) for i in data.get('grid_ids') or []}
        building_ids = {int(i) for i in data.get('building_ids') or []}
    except (TypeError, ValueError) as exc:
        raise Refusal(_('Choose grids or buildings of this community.'), g.PROCEDURE, code='bad_area') from exc
    grids = list(db.session.scalars(sa.select(Grid).where(Grid.id.in_(grid_ids), Grid.community_id == community.id)))
    buildings = list(
        db.session.scalars(
            sa.select(Building)
            .join(Building.grid)
            .where(Building.id.in_(building_ids), Grid.community_id == community.id)
        )
    )
    if (kind == AreaKind.GRIDS and (not grids or len(grids) != len(grid_ids))) or (
        kind == AreaKind.BUILDINGS and (not buildings or len(buildings) != len(building_ids))
    ):
        raise Refusal(_('Choose grids or buildings of this community.'), g.PROCEDURE, code='bad_area')
    topic.area_kind = kind
    topic.grids = grids if kind == AreaKind.GRIDS else []
    topic.buildings = buildings if kind == AreaKind.BUILDINGS else []


def create_draft(actor, community, channel: str, data: dict, originator=None) -> Topic:
    """Open a draft for ``community`` through ``channel``.

    :param originator: the resident on whose behalf staff or a grid worker types it in.
    :raises Refusal: the actor may not use the channel, the originator is missing or not a resident, bad input.
    """
    if not p.may_submit_via(actor, community, channel):
        raise Refusal(_('You may not submit topics through this channel here.'), g.ACTIVE_SUBMITTER, code='forbidden')
    if channel in p.ON_BEHALF_CHANNELS:
        from consult.residency.eligibility import can_take_part

        if originator is None or not can_take_part(originator, community):
            raise Refusal(
                _('Name the verified resident on whose behalf you submit.'), g.ACTIVE_SUBMITTER, code='no_originator'
            )
    elif channel == SourceChannel.ONLINE:
        originator = actor
    department = None
    if channel == SourceChannel.DEPARTMENT:
        department = next(
            (
                grant.department
                for grant in _grants(actor, Role.DEPARTMENT)
                if community in grant.department.communities
            ),
            None,
        )
    topic = Topic(
        community_id=community.id,
        community=community,
        source_channel=str(channel),
        submitted_by_id=actor.id,
        originator_id=originator.id if originator is not None else None,
        entrusting_department_id=department.id if department is not None else None,
        status=TopicStatus.DRAFT,
    )
    _set_content(topic, data, community)
    db.session.add(topic)
    db.session.flush()
    states.log_step(topic, 'create', actor)
    record(actor, 'topics.create', community=community, topic_id=topic.id, channel=str(channel))
    logger.info('topic %s drafted by %s', topic.id, actor.id)
    return topic


def _grants(user, role):
    from consult.roles.permissions import active_grants

    return [grant for grant in active_grants(user) if grant.role == role]


def can_edit(actor, topic) -> bool:
    """The submitter edits a draft, or a submitted topic before it enters review."""
    return p.can_edit_topic(actor, topic)


def edit_topic(actor, topic, data: dict) -> Topic:
    if not p.is_submitter(actor, topic):
        raise Refusal(_('Only the submitter edits a topic.'), g.WHO_ACTS, code='forbidden')
    if not can_edit(actor, topic):
        raise Refusal(_('The topic can no longer be edited.'), g.PROCEDURE, code='wrong_state')
    _set_content(topic, data, topic.community)
    topic.updated_at = utcnow()
    db.session.flush()
    states.log_step(topic, 'edit', actor)
    return topic


def submit_topic(actor, topic) -> Topic:
    """Submit a draft; staff, department and deputy topics enter the review queue at once."""
    states.apply(topic, 'submit', actor)
    record(actor, 'topics.submit', community=topic.community, topic_id=topic.id)
    if topic.source_channel != SourceChannel.ONLINE:
        states.apply(topic, 'queue', None)
    return topic


def withdraw_topic(actor, topic, reason: str = '') -> Topic:
    """The submitter withdraws before announcement; the committee withdraws with a reason."""
    action = 'withdraw' if p.is_submitter(actor, topic) else 'withdraw_by_committee'
    states.apply(topic, action, actor, reason=reason)
    record(actor, 'topics.' + action, community=topic.community, topic_id=topic.id, reason=clean_text(reason))
    return topic


def lock(topic) -> None:
    """Lock the topic row and reload its status (PostgreSQL: ``FOR NO KEY UPDATE``; SQLite has one writer).

    ``NO KEY``: a co-sign row's foreign key takes a key-share lock on the topic, which a plain ``FOR UPDATE``
    would wait for, so two co-signs that inserted first would deadlock.
    """
    db.session.refresh(topic, ['status', 'queued_at', 'cosign_count'], with_for_update={'key_share': True})


def refresh_count(topic) -> int:
    """Store the active co-sign count, tell viewers, and queue the topic when it is due.

    Counted after the topic row is locked, never before: a count taken before the lock misses the co-signs
    committed while it waited, and the last writer would store that stale figure.
    """
    lock(topic)
    count = active_cosign_count(topic.id)
    db.session.execute(sa.update(Topic).where(Topic.id == topic.id).values(cosign_count=count))
    db.session.refresh(topic, ['cosign_count'])
    outcome = None
    rules = rules_in_force(topic.community, today())
    if rules is not None:
        outcome = g.threshold_outcome(topic, rules)
    required = 0 if outcome is None else g.still_needed(outcome)
    emit_after_commit(CosignCount(topic_id=topic.id, count=count, required=required), topic_room(topic.id))
    if outcome is not None and outcome.met and topic.status == TopicStatus.SUBMITTED and topic.queued_at is None:
        try:
            with db.session.begin_nested():
                states.apply(topic, 'queue', None)
        except Refusal as refusal:
            # A concurrent co-sign queued it first: this co-sign still counts, the queue step happens once.
            if refusal.code not in ('conflict', 'already_queued'):
                raise
            db.session.refresh(topic)
    return count


def cosign(actor, topic) -> CoSign:
    """Co-sign once as a verified adult resident of the community (not the submitter).

    :raises Refusal: not eligible, wrong state, or already co-signed (also under concurrent requests).
    """
    lock(topic)
    if topic.status != TopicStatus.SUBMITTED:
        raise Refusal(_('Co-signing is open only while the topic awaits review.'), g.PROCEDURE, code='wrong_state')
    if not p.can_cosign(actor, topic):
        raise Refusal(
            _('Only verified adult residents of the community co-sign, not the submitter.'),
            g.COSIGN_ELIGIBLE,
            code='forbidden',
        )
    if active_cosign(topic.id, actor.id) is not None:
        raise Refusal(_('You have already co-signed this topic.'), g.ONE_COSIGN, code='duplicate')
    row = CoSign(topic_id=topic.id, user_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        raise Refusal(_('You have already co-signed this topic.'), g.ONE_COSIGN, code='duplicate') from exc
    refresh_count(topic)
    return row


def withdraw_cosign(actor, topic) -> None:
    lock(topic)
    if topic.status != TopicStatus.SUBMITTED or topic.queued_at is not None:
        raise Refusal(_('A co-sign can be withdrawn only before review.'), g.PROCEDURE, code='wrong_state')
    moved = db.session.execute(
        sa.update(CoSign)
        .where(CoSign.topic_id == topic.id, CoSign.user_id == actor.id, CoSign.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
    ).rowcount
    if moved != 1:
        raise Refusal(_('You have not co-signed this topic.'), g.ONE_COSIGN, code='not_cosigned')
    refresh_count(topic)


def carry_cosigns(source, target) -> int:
    """Carry the source's submitter and active co-signers over to ``target``, skipping duplicates."""
    from consult.accounts.models import User
    from consult.residency.eligibility import can_vote
    from consult.topics.queries import active_cosign as existing

    user_ids = [source.originator_id or source.submitted_by_id]
    user_ids += list(
        db.session.scalars(sa.select(CoSign.user_id).where(CoSign.topic_id == source.id, CoSign.withdrawn_at.is_(None)))
    )
    carried = 0
    for user_id in dict.fromkeys(user_ids):
        if user_id in (target.submitted_by_id, target.originator_id) or existing(target.id, user_id) is not None:
            continue
        if not can_vote(db.session.get(User, user_id), target.community):
            continue
        db.session.add(CoSign(topic_id=target.id, user_id=user_id))
        carried += 1
    db.session.flush()
    states.log_step(target, 'cosigns_carried', None, reason=f'#{source.id}')
    if target.status == TopicStatus.SUBMITTED:
        refresh_count(target)
    return carried
