"""Reading notifications: how many a person has not read (the navigation's count, one statement)."""

import sqlalchemy as sa

from consult.db import db
from consult.notifications.models import Notification


def unread_count(user) -> int:
    """The number of ``user``'s unread notifications (served by ``ix_notifications_user_unread``)."""
    if user is None or not getattr(user, 'is_authenticated', False):
        return 0
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
