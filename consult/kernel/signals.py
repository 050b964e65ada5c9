"""Extension points: signals whose receivers *contribute* something to a context that cannot import them.

Declared here, connected by the contributing context's ``plug()`` when the app is built. Each says who sends
it, what comes with it, and what a receiver returns.
"""

from blinker import Namespace

_signals = Namespace()

community_facts = _signals.signal(
    'community-facts',
    doc="""Figures shown on a community's public page.

    Sender: the ``Community``. A receiver returns a dict of named figures (residency: ``{'verified': n}``).
    """,
)

role_granting = _signals.signal(
    'role-granting',
    doc="""A role is about to be granted; a receiver raises a Refusal when its rule forbids it.

    Sender: the role (``consult.roles.models.Role``). Keyword arguments: ``user`` (who gets it) and
    ``community`` (its scope, or ``None``). Residency checks that representatives are verified residents.
    """,
)

audit_scope = _signals.signal(
    'audit-scope',
    doc="""Which communities' audit log a user may read.

    Sender: the user. A receiver returns ``None`` for every community, or a set of community ids; the
    audit log shows the union (nothing when no receiver returns anything).
    """,
)


def contributions(signal, sender, **kwargs) -> list:
    """The values the receivers of ``signal`` returned for ``sender`` (``None`` left out)."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]


topic_page = _signals.signal(
    'topic-page',
    doc="""What other contexts show on a topic's page.

    Sender: the ``Topic``. Keyword argument: ``user`` (the viewer, or ``None``). A receiver returns a dict of
    template variables (dispatch: the dispatched item; comments: the comment section and its steps).
    """,
)

mail_user = _signals.signal(
    'mail-user',
    doc="""Send an email to a user's address after the commit (a context below notifications cannot import it).

    Sender: the user. Keyword arguments: ``subject`` and ``body`` (text). Notifications queues it on the mail
    path (``queue_mail``), sent after the commit without holding up the response.
    """,
)
