"""Starting, signing and answering petitions. Operations flush; the caller commits once."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.petitions import logger
from consult.petitions import queries
from consult.petitions.guards import PROCEDURE
from consult.petitions.guards import THRESHOLD
from consult.petitions.models import MATTER_MAX
from consult.petitions.models import NOTE_MAX
from consult.petitions.models import TITLE_MAX
from consult.petitions.models import Petition
from consult.petitions.models import PetitionSignature
from consult.petitions.models import PetitionStatus
from consult.petitions.permissions import can_petition
from consult.petitions.permissions import is_committee
from consult.petitions.permissions import is_starter
from consult.petitions.states import take
from consult.petitions.steps import lock
from consult.residency.eligibility import active_membership
from consult.rules.queries import rules_in_force
from consult.security import clean_text
from consult.topics.models import Topic
from consult.topics.models import TopicStatus

PETITION_RIGHT = Rule(
    'petition_right',
    _l("Urban Residents Committee Organisation Law arts 8-10: adult residents may petition for a residents' meeting"),
)
ONE_SIGNATURE = Rule('one_signature', _l('Platform rule: one signature per resident and petition'))
PETITION_LAPSE = Rule(
    'petition_lapse',
    _l("Platform rule: a petition not met within the rule set's lapse period (default 90 days) lapses"),
)
AGENDA_TOPIC = Rule(
    'petition_agenda_topic',
    _l("Platform rule: the meeting's agenda topic is a public topic of the petition's own community"),
)
CONVENE_DEADLINE = Rule(
    'convene_deadline',
    _l("Urban Residents Committee Organisation Law art 10 (duty to convene); deadline: the rules' review days"),
)


def _text(value, maximum: int, empty: str, too_long: str) -> str:
    cleaned = clean_text(value)
    if not cleaned:
        raise Refusal(empty, code='invalid')
    if len(cleaned) > maximum:
        raise Refusal(too_long, code='invalid')
    return cleaned


def start_petition(actor, community, title: str, matter: str) -> Petition:
    """Start a petition and sign it as its first petitioner.

    :raises Refusal: if ``actor`` is not a verified adult resident, the text is empty or too long, or the
        community has no rules in force.
    """
    if not can_petition(actor, community):
        raise Refusal(_('Only verified adult residents of this community can start a petition.'), PETITION_RIGHT)
    title = _text(title, TITLE_MAX, _('Give the petition a title.'), _('The title is too long.'))
    matter = _text(matter, MATTER_MAX, _('Describe the matter.'), _('The matter is too long.'))
    rules = rules_in_force(community, today())
    if rules is None:
        raise Refusal(_('This community has no rules in force yet.'), THRESHOLD, code='no_rules')
    petition = Petition(
        community_id=community.id, title=title, matter=matter, started_by_id=actor.id, rule_set_id=rules.id
    )
    db.session.add(petition)
    db.session.flush()
    record(actor, 'petition.start', community=community, petition_id=petition.id)
    logger.info('petition %s started by %s in community %s', petition.id, actor.id, community.id)
    sign(actor, petition)
    return petition


def sign(actor, petition, now=None) -> PetitionSignature:
    """Sign an open petition; then evaluate the threshold (see :func:`check_threshold`).

    Locks the petition row first (see :func:`consult.petitions.steps.lock`).

    :raises Refusal: ``petition_right`` if not a verified adult resident, ``lapsed`` (naming the lapse rule) if
        the petition lapsed or is past its lapse second, ``wrong_state`` if not open, ``duplicate`` if already
        signed (also under concurrent requests: the partial unique index).
    """
    if not can_petition(actor, petition.community):
        raise Refusal(_('Only verified adult residents of this community can sign.'), PETITION_RIGHT)
    status = lock(petition)
    now = now or utcnow()
    if status == PetitionStatus.LAPSED or (status == PetitionStatus.OPEN and now > petition.lapses_at):
        raise Refusal(
            _('This petition lapsed on %(date)s without meeting its threshold.', date=_when(petition.lapses_at)),
            PETITION_LAPSE,
            code='lapsed',
        )
    if status != PetitionStatus.OPEN:
        raise Refusal(_('This petition is no longer open for signatures.'), PROCEDURE, code='wrong_state')
    membership = active_membership(actor)
    signature = PetitionSignature(
        signed_at=now,
        petition_id=petition.id,
        user_id=actor.id,
        household_id=membership.household_id,
        building_id=membership.household.building_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except IntegrityError as exc:
        raise Refusal(_('You have already signed this petition.'), ONE_SIGNATURE, code='duplicate') from exc
    check_threshold(petition, now)
    return signature


def withdraw_signature(actor, petition) -> None:
    """Withdraw one's own signature while the petition is open (a conditional UPDATE).

    :raises Refusal: ``wrong_state`` if the petition is not open, ``not_signed`` if there is nothing to withdraw.
    """
    if lock(petition) != PetitionStatus.OPEN:
        raise Refusal(_('Signatures can only be withdrawn while the petition is open.'), PROCEDURE, code='wrong_state')
    result = db.session.execute(
        sa.update(PetitionSignature)
        .where(
            PetitionSignature.petition_id == petition.id,
            PetitionSignature.user_id == actor.id,
            PetitionSignature.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refusal(_('You have not signed this petition.'), code='not_signed')


def withdraw_petition(actor, petition) -> Petition:
    """The starter withdraws an open petition.

    :raises Refusal: if ``actor`` is not the starter, or the petition is not open.
    """
    if not is_starter(actor, petition):
        raise Refusal(_('Only the person who started the petition can withdraw it.'), PROCEDURE, code='forbidden')
    take(petition, 'withdraw', actor, withdrawn_at=utcnow())
    record(actor, 'petition.withdraw', community=petition.community, petition_id=petition.id)
    return petition


def check_threshold(petition, now=None) -> bool:
    """If the open petition now meets the rules in force, mark it met and set the deadline to convene.

    The step ``meet`` is a conditional UPDATE, so two concurrent signatures cannot both mark it. A petition past
    its lapse second is not marked (it lapses instead, see :mod:`consult.petitions.sweeps`).

    :return: whether this call marked the petition met.
    """
    now = now or utcnow()
    if petition.status != PetitionStatus.OPEN or now > petition.lapses_at:
        return False
    rules = rules_in_force(petition.community, today())
    if rules is None or not queries.petition_outcome(petition, rules).met:
        return False
    due = now + timedelta(days=rules.number('review_deadline_days'))
    if not take(petition, 'meet', refuse=False, met_at=now, met_rule_set_id=rules.id, convene_due_at=due):
        return False
    record(
        None,
        'petition.met',
        community=petition.community,
        petition_id=petition.id,
        rule_set_id=rules.id,
        rule_set_version=rules.version,
    )
    logger.info('petition %s met its threshold; convene by %s', petition.id, due.isoformat())
    return True


def record_convened(actor, petition, convened_on: date | None, note: str, topic_id: int | None = None) -> Petition:
    """Committee staff or director record that the residents' meeting was convened, optionally linking the
    topic that put the matter on its agenda.

    :raises Refusal: if ``actor`` is not on the community's committee, the petition is not waiting for a
        meeting, the date is missing, in the future or before the threshold was met, the note is empty, or the
        topic is not a public, submitted topic of the petition's community (``petition_agenda_topic``).
    """
    if not is_committee(actor, petition.community):
        raise Refusal(
            _('Only the committee of this community can record the meeting.'), CONVENE_DEADLINE, code='forbidden'
        )
    if petition.status != PetitionStatus.THRESHOLD_MET:
        raise Refusal(_('This petition is not waiting for a meeting.'), CONVENE_DEADLINE, code='wrong_state')
    if convened_on is None or convened_on > today():
        raise Refusal(_('Give the date the meeting was held (not in the future).'), code='invalid')
    if convened_on < queries.city_date(petition.met_at):
        raise Refusal(
            _('The meeting cannot be before the petition met its threshold.'), CONVENE_DEADLINE, code='invalid'
        )
    note = _text(note, NOTE_MAX, _('Write a note about the meeting.'), _('The note is too long.'))
    topic = _agenda_topic(petition, topic_id)
    take(
        petition,
        'convene',
        actor,
        convened_at=utcnow(),
        convened_on=convened_on,
        convened_by_id=actor.id,
        meeting_note=note,
        topic_id=topic.id if topic is not None else None,
    )
    record(
        actor,
        'petition.convened',
        community=petition.community,
        petition_id=petition.id,
        convened_on=convened_on.isoformat(),
        overdue=petition.convened_at > petition.convene_due_at,
        topic_id=petition.topic_id,
    )
    return petition


def _agenda_topic(petition, topic_id) -> Topic | None:
    if topic_id in (None, '', 0):
        return None
    topic = db.session.get(Topic, topic_id) if isinstance(topic_id, int) else None
    if (
        topic is None
        or topic.community_id != petition.community_id
        or not topic.public
        or topic.status in (TopicStatus.DRAFT, TopicStatus.WITHDRAWN)
    ):
        raise Refusal(_('Link a public topic of this community, or none.'), AGENDA_TOPIC, code='invalid_topic')
    return topic


def _when(moment) -> str:
    return format_datetime(moment, 'short')
