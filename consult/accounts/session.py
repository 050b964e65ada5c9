"""Flask-Login glue: users are loaded by ``id:session_version`` so a password change ends other sessions."""

from consult.accounts.models import User
from consult.extensions import db


def load_user(user_id: str) -> User | None:
    try:
        raw_id, raw_version = user_id.split(':', 1)
        user = db.session.get(User, int(raw_id))
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or user.session_version != version:
        return None
    return user
