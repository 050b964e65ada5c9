"""The shared kernel: what every context builds on, importing none of them.

- :mod:`~consult.kernel.clock`: the current time and the city's date.
- :mod:`~consult.kernel.markdown`: Markdown to safe HTML.
- :mod:`~consult.kernel.rooms`: socket room names (``user:<id>``, ``topic:<id>``, ``meeting:<id>``).
- :mod:`~consult.kernel.refusals`: :class:`Refusal` and :class:`Rule`, how an operation says no and why.
- :mod:`~consult.kernel.transitions`: the state machines' one mechanism (checked step, conditional UPDATE,
  event log, domain event).
- :mod:`~consult.kernel.events`: the domain events and their in-process stream.
- :mod:`~consult.kernel.actions`: one predicate per action, "may this person do this now".
- :mod:`~consult.kernel.signals`: extension points whose receivers contribute (page facts, grant checks).

Checked by the import-linter contracts in ``.importlinter`` (``make lint``).
"""
