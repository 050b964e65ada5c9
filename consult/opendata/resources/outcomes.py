"""Consultation opinions (with dissenting views) and their legality checks."""

from consult.outcomes.models import LegalityCheck
from consult.outcomes.models import Opinion

from .. import queries
from ..api import ListView
from ..api import register_list
from ..filters import Filter
from ..schemas import LegalityCheckSchema
from ..schemas import OpinionSchema

TAG = 'outcomes'
FILTERS = (Filter('community', "Only this community's"), Filter('topic', "Only this topic's"))


def _opinion_extras(opinions) -> dict:
    return {o.id: {'vote_ids': [v.id for v in o.votes if v.is_closed]} for o in opinions}


register_list(
    'opinions',
    '/opinions',
    ListView(queries.opinions, Opinion.id, extras=_opinion_extras),
    OpinionSchema,
    'Consultation opinions of public topics, each round, with the dissenting views',
    TAG,
    filters=FILTERS,
)

register_list(
    'legality_checks',
    '/legality-checks',
    ListView(queries.legality_checks, LegalityCheck.id),
    LegalityCheckSchema,
    'Legality checks of the opinions: the result, and for a failed one the law it conflicts with',
    TAG,
    filters=FILTERS,
)
