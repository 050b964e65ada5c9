"""Socket.IO room names, one per entity. Only the server names rooms and puts sockets in them."""


def user_room(user_id: int) -> str:
    """The private room of one user: every socket of theirs joins it on connect."""
    return f'user:{user_id}'


def topic_room(topic_id: int) -> str:
    """Everyone looking at a topic's page (joined after ``can_view_topic``)."""
    return f'topic:{topic_id}'


def meeting_room(meeting_id: int) -> str:
    """Everyone in a meeting's live room (joined after the room's permission check)."""
    return f'meeting:{meeting_id}'
