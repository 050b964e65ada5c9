"""Rule sets: the confirmed versions of each community's rules, every number and threshold with its source."""

import sqlalchemy as sa

from consult.db import db
from consult.kernel.clock import today
from consult.rules.display import number_rows
from consult.rules.display import threshold_rows
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus

from .. import queries
from ..api import ListView
from ..api import register_list
from ..filters import Filter
from ..schemas import RuleSetSchema

TAG = 'rules'


def _rows(rows) -> list[dict]:
    return [
        {'key': r.key, 'label': str(r.label), 'value': _value(r.value), 'source': str(r.source), 'unit': r.unit}
        for r in rows
    ]


def _value(value):
    return value if value is None or isinstance(value, int | bool) else str(value)


def _extras(rule_sets) -> dict:
    """The rows of each version, and whether it is the one in force today (one statement for the page)."""
    in_force = _in_force({r.community_id for r in rule_sets})
    return {
        r.id: {
            'numbers': _rows(number_rows(r.params)),
            'thresholds': _rows(threshold_rows(r.params)),
            'in_force': in_force.get(r.community_id) == r.id,
        }
        for r in rule_sets
    }


def _in_force(community_ids) -> dict[int, int]:
    """The id of the version in force today for each community (as ``consult.rules.queries.rules_in_force``)."""
    if not community_ids:
        return {}
    rows = db.session.execute(
        sa.select(RuleSet.community_id, RuleSet.id)
        .where(
            RuleSet.community_id.in_(community_ids),
            RuleSet.status == RuleSetStatus.CONFIRMED,
            RuleSet.effective_from <= today(),
        )
        .order_by(RuleSet.effective_from, RuleSet.version)
    )
    return dict(rows.all())  # the last row of each community wins: the latest effective


register_list(
    'rule_sets',
    '/rule-sets',
    ListView(queries.rule_sets, RuleSet.id, extras=_extras),
    RuleSetSchema,
    "Confirmed versions of the communities' rule sets (议事协商规则), each value with its legal source",
    TAG,
    filters=(Filter('community', "Only this community's versions (its id)"),),
)
