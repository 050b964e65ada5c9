"""The rules of publication, objections and the window, each with its legal source, and their checks.

The checks with the topic-step signature ``(topic, actor, rules, reason, data)`` are plugged into the topic's
steps by ``wiring``; each raises a :class:`~consult.kernel.refusals.Refusal` naming its rule and changes nothing.
"""

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule

from . import queries
from .models import Answer

DISCLOSURE = Rule(
    'result_disclosure',
    _l(
        'Longgang Community Governance Regulation art 12: the results of community consultation are made public to'
        ' residents; no result is acted on before it is published'
    ),
)
TWO_PEOPLE = Rule(
    'publication_two_people',
    _l(
        'Urban Residents Committee Organisation Law art 10 and the village affairs disclosure practice (Village'
        ' Committee Organisation Law art 30, by analogy): the committee prepares what it discloses and its principal'
        ' leader approves it, two different people'
    ),
)
OBJECTIONS = Rule(
    'objection_window',
    _l(
        'Village Committee Organisation Law art 14, by analogy: residents may object within the window the rule set'
        ' gives, with their reasons, and each objection is answered within the reply days'
    ),
)
WINDOW = Rule(
    'publicity_period',
    _l(
        'Village Committee Organisation Law arts 14 and 30, by analogy: the result stands only after its publicity'
        ' period has ended and every objection has been answered'
    ),
)
SUPERVISION = Rule(
    'supervisory_committee',
    _l(
        "Village Committee Organisation Law art 32, by analogy: the residents' affairs supervisory committee"
        ' supervises the disclosure of community affairs and the carrying out of decisions'
    ),
)
PRIVACY = Rule(
    'publication_privacy',
    _l(
        'Personal Information Protection Law (2021) arts 13 and 25: no personal information is published without'
        ' consent beyond what the purpose needs'
    ),
)


def prepared(topic, actor, rules, reason, data) -> None:
    """``publish``: committee staff prepared and approved the publication of the current result."""
    publication = queries.pending_publication(topic.id)
    if publication is None:
        raise Refusal(
            _('Committee staff prepare the publication first; the director then signs it off.'),
            TWO_PEOPLE,
            code='not_prepared',
        )


def two_people(topic, actor, rules, reason, data) -> None:
    """``publish``: whoever signs off is not who prepared it."""
    publication = queries.pending_publication(topic.id)
    if publication is not None and actor is not None and publication.prepared_by_id == actor.id:
        raise Refusal(
            _('You prepared this publication: another person, the committee director, signs it off.'),
            TWO_PEOPLE,
            code='same_person',
        )


def objection_upheld(topic, actor, rules, reason, data) -> None:
    """``uphold_objection``: taken only with the objection being upheld, on this topic's current publication."""
    objection = data.get('objection')
    if objection is None or objection.topic_id != topic.id or data.get('answer') != Answer.UPHELD:
        raise Refusal(_('Only an upheld objection sends the result back.'), OBJECTIONS, code='no_objection')


def window_over(topic, actor, rules, reason, data) -> None:
    """``close_window`` / ``report_to_gov``: the publicity period and the objection window ended (to the second)."""
    publication = queries.current_publication(topic.id)
    now = data.get('now') or utcnow()
    if publication is None or publication.window_ends_at is None:
        raise Refusal(_('The result has not been published.'), DISCLOSURE, code='not_published')
    if now < publication.window_ends_at:
        raise Refusal(
            _(
                'The publicity period runs until %(when)s.',
                when=format_datetime(publication.window_ends_at, 'short'),
            ),
            WINDOW,
            code='period_running',
        )


def all_answered(topic, actor, rules, reason, data) -> None:
    """``close_window`` / ``report_to_gov``: no objection waits for its answer."""
    if queries.open_objection_count(topic.id):
        raise Refusal(
            _('An objection is still waiting for its answer; the window cannot close.'), WINDOW, code='unanswered'
        )


def adopted(topic, actor, rules, reason, data) -> None:
    """``close_window`` / ``report_to_gov``: only an adopted result is carried out or reported."""
    publication = queries.current_publication(topic.id)
    if publication is None or not publication.adopted:
        raise Refusal(
            _('The result was not adopted: it stays published and is not carried out.'), DISCLOSURE, 'not_adopted'
        )


def entrusted(topic) -> bool:
    """A topic a city department entrusted to the community (domain.md rule 23)."""
    return topic.source_channel == 'department' or topic.entrusting_department_id is not None


def not_entrusted(topic, actor, rules, reason, data) -> None:
    if entrusted(topic):
        raise Refusal(_('An entrusted topic is reported to its department.'), WINDOW, code='entrusted')


def is_entrusted(topic, actor, rules, reason, data) -> None:
    if not entrusted(topic):
        raise Refusal(_('Only a topic a department entrusted is reported to it.'), WINDOW, code='not_entrusted')
