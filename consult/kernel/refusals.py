"""Refusals: an operation that will not do what was asked raises :class:`Refusal`, naming its rule.

Routes turn a refusal into a form error or flash message; socket handlers into an ``error`` event.
"""

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    """A rule with its legal or design source, shown with every refusal it causes."""

    code: str
    source: LazyString | str


#: The rules the foundation enforces; sources follow shared/design/domain.md.
VOTING_AGE = Rule('min_voter_age', _l('Urban Residents Committee Organisation Law, arts 8-9 (voting age 18)'))
SUPERVISORY_INDEPENDENCE = Rule(
    'supervisory_independence',
    _l('Village Committee Organisation Law art 32, by analogy: committee members may not sit on the supervisory body'),
)
REPRESENTATIVE_IS_RESIDENT = Rule(
    'representative_is_resident',
    _l(
        "Village Committee Organisation Law art 25, by analogy: representatives are elected from the community's residents"
    ),
)
ONE_RESIDENCE = Rule('one_residence', _l('Platform rule: a resident takes part in one community at a time'))
REASON_REQUIRED = Rule(
    'reason_required',
    _l(
        'Platform rule, following the feedback duty of the Opinions on Strengthening Urban and Rural Community Consultation (2015): every refusal, grant and revocation states its reason'
    ),
)


class Refusal(Exception):
    """An operation refused; ``message`` is already translated for the acting user."""

    def __init__(self, message: str, rule: Rule | None = None, code: str = 'refused'):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.code = code

    def __str__(self) -> str:
        if self.rule is None:
            return self.message
        return _('%(message)s (Rule: %(source)s)', message=self.message, source=self.rule.source)


def require_reason(reason: str | None, message: str) -> str:
    """Return the cleaned reason, or refuse with ``message`` under the reason-required rule."""
    from consult.security import clean_text

    cleaned = clean_text(reason)
    if not cleaned:
        raise Refusal(message, REASON_REQUIRED, code='reason_required')
    return cleaned
