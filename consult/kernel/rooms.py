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


def login_room(key: str) -> str:
    """Every socket opened in one login session (``accounts.LoginSession.key``): ended with the session."""
    return f'login:{key}'


def is_ending_room(room: str) -> bool:
    """Whether closing ``room`` ends its sockets (``consult.socket_ends``): a user's or a login session's room."""
    return room.startswith(('user:', 'login:'))


def vote_room(vote_id: int) -> str:
    """Everyone looking at a vote's page (joined after the vote's view check): told when it opens and closes."""
    return f'vote:{vote_id}'
