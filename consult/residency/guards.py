"""The rules a residence claim cites, with their sources (shown with every refusal they cause)."""

from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Rule

RESIDENCE = Rule(
    'residence_verified',
    _l(
        'Longgang Community Governance Regulation art 12 (participants): residents take part in their own'
        " community's deliberation once its committee has verified where they live"
    ),
)
