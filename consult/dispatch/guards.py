"""The rules of the whistle-and-report loop (domain.md rules 6(iv), 28, 44), each with its source."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule

SIGN_OFF = Rule(
    'whistle_sign_off',
    _l(
        "Whistle-and-report practice (Yihuang): a whistle is blown only after review by the community's principal leader"
    ),
)
DEPARTMENT_SERVES = Rule(
    'department_serves_community',
    _l('Longgang Community Governance Regulation art 5: departments serve their assigned communities directly'),
)
LOOP = Rule(
    'whistle_loop',
    _l(
        'Longgang Community Governance Regulation art 5, whistle-and-report loop: dispatch, department check-in,'
        ' handling, closure with a reply'
    ),
)
OWN_DEPARTMENT = Rule(
    'whistle_own_department', _l('Whistle-and-report loop: only the department an item was dispatched to answers it')
)
REPLY = Rule(
    'whistle_reply',
    _l(
        "Longgang Community Governance Regulation art 5, whistle-and-report loop: the department's reply is"
        ' attached to the consultation record'
    ),
)
REVIEW = Rule(
    'whistle_review',
    _l(
        'Guidance on urban and rural community consultation (2015), admissibility review: committee staff and the director redirect a matter to a department'
    ),
)

REPLY_MAX = 5000
TEXT_MAX = 2000


def whistle_target_valid(topic, actor, rules, reason, data) -> None:
    """A department serving the topic's community, and whether the item is simple or complex."""
    from consult.dispatch.models import TicketKind
    from consult.dispatch.queries import serves

    department = data.get('department')
    if department is None or not serves(department.id, topic.community_id):
        raise Refusal(
            _("Choose a department that serves this topic's community."), DEPARTMENT_SERVES, code='bad_department'
        )
    if data.get('kind') not in set(TicketKind):
        raise Refusal(_('Say whether the item is simple or complex.'), LOOP, code='bad_kind')


def require_text(text: str, limit: int, message: str, rule: Rule) -> str:
    """Cleaned ``text``, or a refusal when it is empty or longer than ``limit``."""
    from consult.security import clean_text

    cleaned = clean_text(text)
    if not cleaned:
        raise Refusal(message, rule, code='text_required')
    if len(cleaned) > limit:
        raise Refusal(_('At most %(max)s characters.', max=limit), rule, code='text_too_long')
    return cleaned
