"""The rules of granting and revoking roles, with their sources (shown with every refusal they cause)."""

from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Rule

GRANTS = Rule(
    'role_grants',
    _l(
        'Longgang Community Governance Regulation art 12 (participants): administrators grant roles, the'
        " committee director grants the community's own; each grant is held once, revoked once, with its"
        ' reason recorded, and an administrator never revokes their own administrator role'
    ),
)
