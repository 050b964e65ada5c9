"""The rules a topic step must satisfy, each with its source (shared/design/domain.md), and their checks.

Every check raises :class:`consult.kernel.refusals.Refusal` naming its rule; none changes anything.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.clock import utcnow
from consult.kernel.refusals import REASON_REQUIRED
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.rules.defaults import EXCLUSIONS
from consult.topics.models import ConsultationForm
from consult.topics.models import SourceChannel

PROCEDURE = Rule(
    'topic_procedure',
    _l(
        'Longgang Community Governance Regulation art 12 (topic selection and deliberation procedure): no step is skipped'
    ),
)
WHO_ACTS = Rule(
    'topic_who_acts',
    _l(
        'Guidance on urban and rural community consultation (2015): residents propose, the committee reviews, the Party organisation approves'
    ),
)
SCOPE_DECLARED = Rule(
    'scope_declared',
    _l(
        'Longgang Community Governance Regulation art 12 (scope of matters): excluded matters are refused or redirected'
    ),
)
CATEGORY = Rule(
    'topic_category', _l('Guidance on urban and rural community consultation (2015): the five categories of matters')
)
FORM_CHOSEN = Rule(
    'consultation_form',
    _l('Longgang Community Governance Regulation art 12: on-site, online or video, chosen per topic'),
)
PARTICIPANTS = Rule('participant_scope', _l('One matter, one deliberation, one set of participants (local practice)'))
REVIEW_QUEUE = Rule(
    'review_queue',
    _l("Platform rule: residents' topics enter review when the rule set's co-signing threshold is met"),
)
PRIVATE = Rule(
    'private_matter', _l('Personal Information Protection Law (2021): private matters are never made public')
)
SAME_COMMUNITY = Rule('merge_same_community', _l('Platform rule: only topics of the same community are merged'))
CROSS_COMMUNITY = Rule(
    'cross_community',
    _l(
        'Guidance on urban and rural community consultation (2015): matters of two or more communities are led by the level above, in Longgang the central'
        ' community joint Party committee'
    ),
)
ONE_COSIGN = Rule('one_cosign', _l('Platform rule: each resident co-signs a topic once'))
COSIGN_ELIGIBLE = Rule(
    'cosign_eligible',
    _l('Urban Residents Committee Organisation Law arts 8-9: verified adult residents of the community'),
)
NO_RULES = Rule('rules_in_force', _l('Platform rule: a topic is judged under the rule set in force'))
ACTIVE_SUBMITTER = Rule(
    'submitter_eligible',
    _l(
        'Guidance on urban and rural community consultation (2015), topic collection: residents, representatives, staff on their behalf, departments and deputies'
    ),
)

ATTACHMENT_WHO = Rule(
    'attachment_who',
    _l("Platform rule: a topic's submitter attaches and removes files while the topic can be edited (before review)"),
)
ATTACHMENT_TYPE = Rule(
    'attachment_type',
    _l(
        'Platform rule: attachments are PDF, JPEG, PNG, WebP, plain text, DOCX, XLSX or ODT, recognised by '
        'their content; the file name and type must say the same'
    ),
)
ATTACHMENT_LIMITS = Rule(
    'attachment_limits',
    _l(
        "Platform rule: each file, the number of a topic's files and their total size stay within the platform's limits"
    ),
)
ATTACHMENT_WHOLE = Rule('attachment_whole', _l('Platform rule: a topic and its files are saved together or not at all'))


def require_reason(reason: str, message: str) -> None:
    if not reason:
        raise Refusal(message, REASON_REQUIRED, code='reason_required')


def content_complete(topic, actor, rules, reason, data) -> None:
    if not topic.title or not topic.body:
        raise Refusal(_('A topic needs a title and a description.'), PROCEDURE, code='incomplete')


def scope_declared(topic, actor, rules, reason, data) -> None:
    if not topic.declared_not_excluded:
        raise Refusal(_('Declare that the matter is none of the excluded types.'), SCOPE_DECLARED, code='not_declared')


def not_excluded(topic, actor, rules, reason, data) -> None:
    if topic.exclusion_code:
        raise Refusal(_('This matter was marked as an excluded type.'), SCOPE_DECLARED, code='excluded')


def submitter_still_eligible(topic, actor, rules, reason, data) -> None:
    from consult.topics.permissions import may_submit_via

    if not may_submit_via(actor, topic.community, topic.source_channel):
        raise Refusal(
            _('You may no longer submit topics through this channel here.'), ACTIVE_SUBMITTER, code='forbidden'
        )


def queue_due(topic, actor, rules, reason, data) -> None:
    """Staff, department and deputy submissions are queued at once; residents' at the co-sign threshold."""
    if topic.queued_at is not None:
        raise Refusal(_('The topic is already in the review queue.'), PROCEDURE, code='already_queued')
    if topic.source_channel == SourceChannel.ONLINE and not threshold_outcome(topic, rules).met:
        raise Refusal(_('The co-signing threshold is not met yet.'), REVIEW_QUEUE, code='threshold_not_met')


def in_review_queue(topic, actor, rules, reason, data) -> None:
    if topic.queued_at is None:
        raise Refusal(_('The topic has not reached the review queue yet.'), REVIEW_QUEUE, code='not_queued')


def reason_given(topic, actor, rules, reason, data) -> None:
    require_reason(reason, _('Give the reason; it is shown to the submitter.'))


def exclusion_valid(topic, actor, rules, reason, data) -> None:
    code = data.get('exclusion')
    if code and (code not in EXCLUSIONS or code not in rules.params.get('exclusions', [])):
        raise Refusal(_('Unknown excluded matter type.'), SCOPE_DECLARED, code='bad_exclusion')


def merge_target_valid(topic, actor, rules, reason, data) -> None:
    from consult.topics.models import TopicStatus

    target = data.get('target')
    if target is None or target.id == topic.id:
        raise Refusal(_('Choose another topic to merge into.'), SAME_COMMUNITY, code='bad_target')
    if target.community_id != topic.community_id:
        raise Refusal(_('Only topics of the same community can be merged.'), SAME_COMMUNITY, code='bad_target')
    live = (TopicStatus.SUBMITTED, TopicStatus.SCREENING, TopicStatus.ESCALATED, TopicStatus.ANNOUNCED)
    if target.status not in live:
        raise Refusal(_('That topic is closed; choose an open one.'), SAME_COMMUNITY, code='bad_target')


def categories_valid(topic, actor, rules, reason, data) -> None:
    codes = data.get('categories') or []
    if not codes:
        raise Refusal(_('Choose at least one category.'), CATEGORY, code='no_category')
    if any(code not in rules.categories for code in codes):
        raise Refusal(_('A category is not in the rule set in force.'), CATEGORY, code='bad_category')


def scope_given(topic, actor, rules, reason, data) -> None:
    if not (data.get('participant_scope') or '').strip():
        raise Refusal(_('Say who takes part (the participant scope).'), PARTICIPANTS, code='no_participants')


def form_chosen(topic, actor, rules, reason, data) -> None:
    if data.get('form') not in set(ConsultationForm):
        raise Refusal(_('Choose the form of consultation.'), FORM_CHOSEN, code='no_form')
    if not (data.get('form_reason') or '').strip():
        raise Refusal(_('Give the reason for the form chosen.'), FORM_CHOSEN, code='no_form_reason')


def is_public(topic, actor, rules, reason, data) -> None:
    if not topic.public:
        raise Refusal(_('A private matter cannot be announced.'), PRIVATE, code='private')


def not_escalated(topic, actor, rules, reason, data) -> None:
    if topic.escalated_to_id is not None:
        raise Refusal(_('The topic is already with the joint Party committee.'), CROSS_COMMUNITY, code='escalated')


def threshold_outcome(topic, rules):
    """Evaluate the co-sign threshold: signatures = active co-signs, adults = verified adult residents."""
    from consult.rules.engine import evaluate
    from consult.topics.queries import active_cosign_count
    from consult.topics.queries import adult_resident_count

    counts = {
        ('signatures', 'head'): active_cosign_count(topic.id),
        ('adults', 'head'): adult_resident_count(topic.community_id),
    }
    return evaluate(rules.cosign_threshold, counts)


def still_needed(outcome) -> int:
    """Co-signs still missing: the fewest over the alternative rules, each needing all its conditions."""
    if outcome.met:
        return 0
    return min(max(max(r.required - r.counted, 0) for r in row) for row in outcome.results)


TOPIC_PUBLICITY = Rule(
    'topic_publicity_days',
    _l(
        "Guidance on urban and rural community consultation (2015): the topic is announced before consultation, for the rule set's topic publicity days"
    ),
)
COMMENT_WINDOW = Rule(
    'comment_window',
    _l(
        'Longgang Community Governance Regulation art 12 (online consultation): a time-boxed comment window, as on site'
    ),
)
CONSULTATION_OPINION = Rule(
    'consultation_opinion',
    _l(
        'Guidance on urban and rural community consultation (2015): consultation ends in a consultation opinion written by the committee'
    ),
)


def publicity_ended(topic, actor, rules, reason, data) -> None:
    """An announced topic goes to consultation only once its publicity period has ended (inclusive).

    THE publicity guard of both ways into consultation: ``open_session`` (a meeting opens, which checks it first,
    with its ``now``) and ``open_comments`` (a comment period opens).
    """
    from flask_babel import format_datetime

    from consult.topics.models import TopicStatus

    if topic.status != TopicStatus.ANNOUNCED:
        return
    ends = topic.publicity_ends_at
    if ends is None or (data.get('now') or utcnow()) < ends:
        raise Refusal(
            _(
                'The topic announcement runs until %(when)s; consultation (a session or a comment period) cannot'
                ' start before.',
                when=format_datetime(ends, 'yyyy-MM-dd HH:mm') if ends else '-',
            ),
            TOPIC_PUBLICITY,
            code='publicity_not_over',
        )
