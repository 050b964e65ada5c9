"""The archive's rules, each with its source, and their checks (each raises a Refusal naming its rule)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.security import clean_text

from .models import MAX_MEMBERS
from .models import REASON_MAX
from .models import REASON_MIN

BUNDLE = Rule(
    'archive_bundle',
    _l(
        'Measures for the Administration of Urban Community Archives (2015) and the Village Committee Organisation'
        ' Law art 34, by analogy: the records a consultation produced (its meeting records and decisions) are filed'
        ' complete'
    ),
)
APPRAISAL = Rule(
    'archive_appraisal',
    _l(
        'Measures for the Administration of Urban Community Archives (2015): records past their retention period are'
        " destroyed only after appraisal by a group that includes residents' representatives, and listed in a"
        ' destruction register kept permanently'
    ),
)
RETENTION = Rule(
    'archive_retention',
    _l(
        'Measures for the Administration of Urban Community Archives (2015): records are kept permanently or for a'
        ' fixed term of 30 or 10 years'
    ),
)


def reason_of(text: str | None, rule: Rule = BUNDLE) -> str:
    """The cleaned reason, or a refusal: empty, too short or too long."""
    reason = clean_text(text or '')
    if len(reason) < REASON_MIN:
        raise Refusal(_('Give a reason of at least %(num)s characters.', num=REASON_MIN), rule, code='reason')
    if len(reason) > REASON_MAX:
        raise Refusal(_('The reason is at most %(num)s characters.', num=REASON_MAX), rule, code='too_long')
    return reason


def bundle_complete(topic, actor, rules, reason, data) -> None:
    """The ``archive`` step's guard: every required item present or waived; the refusal names the missing ones."""
    from .checklist import checklist

    missing = checklist(topic).missing
    if missing:
        names = '、'.join(str(line.item.label) for line in missing)
        raise Refusal(
            _('The record is incomplete. Missing without a recorded waiver: %(items)s.', items=names),
            BUNDLE,
            code='bundle_incomplete',
        )


def members_valid(members: list, representatives: set[int]) -> None:
    """An appraisal group: two to ``MAX_MEMBERS`` different people, at least one a residents' representative."""
    ids = [member['user_id'] for member in members]
    if len(ids) != len(set(ids)):
        raise Refusal(_('Each member of the appraisal group is listed once.'), APPRAISAL, code='duplicate')
    if not 2 <= len(ids) <= MAX_MEMBERS:
        raise Refusal(
            _('An appraisal group has from 2 to %(num)s members.', num=MAX_MEMBERS), APPRAISAL, code='members'
        )
    if not set(ids) & representatives:
        raise Refusal(
            _("The appraisal group must include at least one residents' representative of the community."),
            APPRAISAL,
            code='no_representative',
        )


def past_term(line, today) -> None:
    """Only a fixed-term item past its term is appraised for destruction; a permanent one never is."""
    if line is None:
        raise Refusal(_('There is no such item in this record.'), RETENTION, code='no_item')
    if line.years == 0:
        raise Refusal(_('This item is kept permanently and can never be destroyed.'), RETENTION, code='permanent')
    if not line.item.present:
        raise Refusal(_('There is no such item in this record.'), RETENTION, code='no_item')
    if line.destroyed:
        raise Refusal(_('This item was already destroyed.'), RETENTION, code='destroyed')
    if not line.past_term(today):
        raise Refusal(
            _(
                'This item is kept until %(day)s; it cannot be appraised for destruction before then.',
                day=line.term_ends_on.isoformat(),
            ),
            RETENTION,
            code='in_term',
        )
