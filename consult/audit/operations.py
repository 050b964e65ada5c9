"""Writing audit entries. Called by other contexts' operations inside their transaction."""

from consult.audit import logger
from consult.audit.models import AuditEntry
from consult.db import db


def record(actor, action: str, *, community=None, subject=None, reason: str = '', **details) -> AuditEntry:
    """Append an audit entry in the current transaction.

    :param actor: the acting user, or ``None`` for the system.
    :param action: dotted action name, e.g. ``role.grant``.
    :return: the new entry (flushed, not committed).
    :raises TypeError: if ``subject`` is not a user (it is a foreign key to users; put other ids in details).
    """
    from consult.accounts.models import User

    if subject is not None and not isinstance(subject, User):
        raise TypeError(f'audit subject must be a User, not {type(subject).__name__}; put its id in details')
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        community_id=community.id if community is not None else None,
        subject_id=subject.id if subject is not None else None,
        reason=reason or '',
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    logger.info('audit %s by %s on %s', action, entry.actor_id, entry.subject_id)
    return entry
