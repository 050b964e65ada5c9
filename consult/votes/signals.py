"""The votes context's own extension points (within the context: on-site channels plug into the count)."""

from blinker import Namespace

_signals = Namespace()

onsite_ballots = _signals.signal(
    'vote-onsite-ballots',
    doc="""Ballots cast on site, confirmed by a second staff member, to be counted with the online ones.

    Sender: the ``Vote`` being closed. A receiver returns a list of ``(choice, weight)`` pairs (an aggregate
    count of ``n`` for option ``i`` is ``n`` pairs ``((i,), 1)``). A returned list with a ``record`` attribute (a
    dict) adds its keys to the stored result (``onsite_count.OnsiteBallots``: the on-site record, for recounting).
    """,
)
