"""The rules a petition's steps cite, each with its legal source (shown with every refusal it causes)."""

from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Rule

PROCEDURE = Rule(
    'petition_procedure',
    _l(
        "Urban Residents Committee Organisation Law art 10: residents petition for a residents' meeting; a"
        ' petition is signed while it is open, and only its starter withdraws it'
    ),
)
THRESHOLD = Rule(
    'petition_threshold',
    _l(
        "Urban Residents Committee Organisation Law art 10: a residents' meeting is convened on the request of a"
        " fifth of adult residents or households or a third of residents' groups, as the community's rule set"
        ' in force counts them'
    ),
)
