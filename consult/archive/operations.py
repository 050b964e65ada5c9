"""The archive's operations: waive a missing item, archive a topic, appraise an item past its term, destroy it.

Each takes the acting user, checks, writes, flushes and publishes its domain event; none commits.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.events import BundleItemWaived
from consult.kernel.events import RecordDestroyed
from consult.kernel.events import TopicArchived
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics import states

from . import guards as g
from . import logger
from . import permissions as p
from .checklist import checklist
from .models import Appraisal
from .models import ArchiveFile
from .models import Destruction
from .models import Waiver


def waive(actor, topic, item_key: str, reason: str) -> Waiver:
    """Record why the required item ``item_key`` of ``topic``'s bundle is missing.

    :raises Refusal: not the committee, the topic cannot be archived (or is), no such missing item, a waiver
        already recorded, no reason.
    """
    if not p.may_waive(actor, topic):
        raise Refusal(_('Only the committee assembles the archive bundle, before it is filed.'), g.BUNDLE, 'forbidden')
    reason = g.reason_of(reason)
    line = checklist(topic).line(item_key or '')
    if line is None or line.item.present or not line.required:
        raise Refusal(_('Only a required item that is missing can be waived.'), g.BUNDLE, code='not_missing')
    if line.waiver is not None:
        raise Refusal(_('A waiver of this item is already recorded.'), g.BUNDLE, code='duplicate')
    waiver = Waiver(topic_id=topic.id, item_key=line.key, reason=reason, by_id=actor.id, at=utcnow())
    db.session.add(waiver)
    db.session.flush()
    publish(BundleItemWaived(topic_id=topic.id, waiver_id=waiver.id, item_key=waiver.item_key, actor_id=actor.id))
    logger.info('archive: topic %s item %s waived by %s', topic.id, waiver.item_key, actor.id)
    return waiver


def record_file(topic, actor, rules, reason, data) -> None:
    """The ``archive`` step's effect: the archive file, with the state it was filed from and the rule set."""
    file = ArchiveFile(
        topic_id=topic.id,
        from_status=str(data.get('source') or ''),
        archived_by_id=actor.id,
        archived_at=utcnow(),
        rule_set_id=rules.id if rules is not None else None,
    )
    db.session.add(file)
    db.session.flush()
    publish(TopicArchived(topic_id=topic.id, file_id=file.id, actor_id=actor.id))


def archive(actor, topic) -> ArchiveFile:
    """The director approves filing ``topic``'s record: the topic step ``archive`` (read-only from now on).

    :raises Refusal: wrong state or person, or the bundle is incomplete (naming the missing items).
    """
    source = str(topic.status)
    states.apply(topic, 'archive', actor, source=source)
    return db.session.scalar(sa.select(ArchiveFile).where(ArchiveFile.topic_id == topic.id))


#: Who may sit on an appraisal group: the community's representatives, committee, Party organisation and
#: supervisory committee (rule 37: the group includes residents' representatives).
APPRAISERS = (
    Role.REPRESENTATIVE,
    Role.COMMITTEE_STAFF,
    Role.COMMITTEE_DIRECTOR,
    Role.PARTY_ORG,
    Role.SUPERVISORY_COMMITTEE,
)


def appraisers_of(community_id: int) -> dict[int, str]:
    """``{user_id: role}`` of the people who may sit on an appraisal group (a representative's grant first)."""
    rows = db.session.execute(
        sa.select(RoleGrant.user_id, RoleGrant.role).where(
            RoleGrant.role.in_([str(role) for role in APPRAISERS]),
            RoleGrant.community_id == community_id,
            RoleGrant.revoked_at.is_(None),
        )
    ).all()
    rank = {str(role): n for n, role in enumerate(APPRAISERS)}
    found: dict[int, str] = {}
    for user_id, role in sorted(rows, key=lambda row: rank[row.role]):
        found.setdefault(user_id, role)
    return found


def appraise(actor, topic, item_key: str, member_ids: list[int], reason: str) -> Appraisal:
    """Record an appraisal group's conclusion that an item past its term may be destroyed.

    :param member_ids: the group's members (the actor is one of them if listed).
    :raises Refusal: not the committee or not archived, a permanent item or one in its term, an invalid group.
    """
    if not p.may_appraise(actor, topic):
        raise Refusal(_('Only the committee appraises an archived record.'), g.APPRAISAL, code='forbidden')
    reason = g.reason_of(reason, g.APPRAISAL)
    line = checklist(topic).line(item_key or '')
    g.past_term(line, today())
    if line.appraisal is not None:
        raise Refusal(_('This item was already appraised.'), g.APPRAISAL, code='duplicate')
    candidates = appraisers_of(topic.community_id)
    if any(user_id not in candidates for user_id in member_ids):
        raise Refusal(
            _("Members are the community's representatives, committee, Party organisation or supervisory committee."),
            g.APPRAISAL,
            code='unknown_member',
        )
    representatives = {user_id for user_id, role in candidates.items() if role == Role.REPRESENTATIVE}
    g.members_valid([{'user_id': user_id} for user_id in member_ids], representatives)
    members = [{'user_id': user_id, 'role': candidates[user_id]} for user_id in member_ids]
    appraisal = Appraisal(
        topic_id=topic.id, item_key=line.key, members=members, reason=reason, by_id=actor.id, at=utcnow()
    )
    db.session.add(appraisal)
    db.session.flush()
    logger.info('archive: topic %s item %s appraised by %s', topic.id, line.key, actor.id)
    return appraisal


def destroy(actor, appraisal: Appraisal) -> Destruction:
    """The director carries out an appraisal: the register entry; the item's content is withheld from then on.

    :raises Refusal: not the director, already destroyed, or no longer past its term.
    """
    if not p.may_destroy(actor, appraisal):
        raise Refusal(_('Only the committee director carries out an appraisal, once.'), g.APPRAISAL, 'forbidden')
    topic = appraisal.topic
    line = checklist(topic).line(appraisal.item_key)
    g.past_term(line, today())
    entry = Destruction(
        appraisal_id=appraisal.id,
        topic_id=topic.id,
        item_key=appraisal.item_key,
        retention_years=line.years,
        term_ended_on=utcnow().replace(
            year=line.term_ends_on.year, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
        ),
        by_id=actor.id,
        at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    publish(RecordDestroyed(topic_id=topic.id, destruction_id=entry.id, item_key=entry.item_key, actor_id=actor.id))
    logger.info('archive: topic %s item %s destroyed by %s (register %s)', topic.id, entry.item_key, actor.id, entry.id)
    return entry
