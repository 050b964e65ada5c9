"""What petitions connects when the app is built: its notification labels and notices of each step, re-checks
when residents move, and
the petition's steps as actions (``petition.convene``, ``petition.withdraw``)."""

from consult.kernel import actions
from consult.kernel.events import PetitionMoved
from consult.kernel.events import ResidenceChanged
from consult.kernel.events import subscribe
from consult.notifications.operations import register_kinds
from consult.petitions import permissions as p
from consult.petitions import states
from consult.petitions.notifications import KIND_LABELS
from consult.petitions.notifications import on_petition_moved
from consult.petitions.sweeps import recheck_communities


def _recheck(event: ResidenceChanged) -> None:
    recheck_communities(set(event.community_ids), event.at)


def plug() -> None:
    register_kinds(KIND_LABELS)
    subscribe(ResidenceChanged, _recheck)
    subscribe(PetitionMoved, on_petition_moved)  # each step tells the starter and signers
    actions.register_all('petition', {'start': p.can_start_petition, 'sign': p.may_sign, 'unsign': p.may_unsign})
    actions.register_machine(states.MACHINE)
