"""``flask deputies sweep``: flag each suggestion whose reply is overdue, once, and tell the body and the deputy.

The flag is the machine's ``overdue`` step (it keeps the state): one conditional UPDATE with ``overdue_at IS
NULL``, so a second run, or two at once, flag nothing twice. Operations flush; the caller commits.
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.kernel.refusals import Refusal
from consult.notifications.operations import notify
from consult.roles.models import Role
from consult.roles.models import RoleGrant

from . import logger
from .models import DeputySuggestion
from .models import SuggestionStatus
from .states import MACHINE

#: Notification kinds of this context.
OVERDUE_BODY = 'deputy_suggestion_overdue_body'
OVERDUE_DEPUTY = 'deputy_suggestion_overdue_deputy'
KIND_LABELS = {
    OVERDUE_BODY: _l("An NPC deputy's suggestion to your body is past its reply deadline"),
    OVERDUE_DEPUTY: _l('Your suggestion is past its reply deadline'),
}


def body_user_ids(suggestions) -> dict[int, set[int]]:
    """Who answers for each suggestion's body (department staff, or the committee), in one statement."""
    suggestions = list(suggestions)
    departments = {s.department_id for s in suggestions if s.department_id is not None}
    communities = {s.community_id for s in suggestions if s.department_id is None}
    if not suggestions or not (departments or communities):
        return {}
    conditions = []
    if departments:
        conditions.append(sa.and_(RoleGrant.role == Role.DEPARTMENT, RoleGrant.department_id.in_(departments)))
    if communities:
        conditions.append(
            sa.and_(
                RoleGrant.role.in_((Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)),
                RoleGrant.community_id.in_(communities),
            )
        )
    rows = db.session.execute(
        sa.select(RoleGrant.user_id, RoleGrant.department_id, RoleGrant.community_id).where(
            RoleGrant.revoked_at.is_(None), sa.or_(*conditions)
        )
    ).all()
    by_department: dict[int, set[int]] = {}
    by_community: dict[int, set[int]] = {}
    for user_id, department_id, community_id in rows:
        if department_id is not None:
            by_department.setdefault(department_id, set()).add(user_id)
        else:
            by_community.setdefault(community_id, set()).add(user_id)
    return {
        s.id: (by_department if s.department_id is not None else by_community).get(
            s.department_id if s.department_id is not None else s.community_id, set()
        )
        for s in suggestions
    }


def flag_overdue(now: datetime) -> list[int]:
    """Flag every suggestion unanswered past its deadline; return their ids."""
    due = list(
        db.session.scalars(
            sa.select(DeputySuggestion)
            .where(
                DeputySuggestion.status == SuggestionStatus.SENT,
                DeputySuggestion.overdue_at.is_(None),
                DeputySuggestion.due_at < now,
            )
            .order_by(DeputySuggestion.id)
        )
    )
    bodies = body_user_ids(due)
    flagged = []
    for suggestion in due:
        try:
            with db.session.begin_nested():
                MACHINE.apply(
                    suggestion,
                    'overdue',
                    None,
                    where=(DeputySuggestion.overdue_at.is_(None),),
                    values={'overdue_at': now},
                )
        except Refusal as refusal:  # replied, or flagged by another run, meanwhile
            logger.info('suggestion %s not flagged: %s', suggestion.id, refusal.code)
            continue
        notify(bodies.get(suggestion.id, set()), OVERDUE_BODY, topic_id=suggestion.topic_id)
        notify({suggestion.deputy_id}, OVERDUE_DEPUTY, topic_id=suggestion.topic_id)
        flagged.append(suggestion.id)
    return flagged
