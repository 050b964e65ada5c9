"""The petition's state machine (consult/petitions/states.py): who withdraws, refusals change nothing."""

import pytest
import sqlalchemy as sa

from consult.kernel.actions import may
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.petitions import operations
from consult.petitions import sweeps
from consult.petitions.models import Petition
from consult.petitions.models import PetitionStatus
from consult.petitions.states import MACHINE
from consult.petitions.states import take


def _status(db, petition) -> str:
    return db.session.scalar(sa.select(Petition.status).where(Petition.id == petition.id))


def test_only_the_starter_may_withdraw(db, place, make_resident, petition):
    starter, neighbour = make_resident(place.households(place.a)[0]), make_resident(place.households(place.a)[1])
    petition = petition(place.a, starter.id)
    assert may(starter, 'petition.withdraw', petition)
    assert not may(neighbour, 'petition.withdraw', petition)
    with pytest.raises(Refusal) as refused:
        MACHINE.apply(petition, 'withdraw', neighbour)
    assert refused.value.code == 'forbidden'
    assert _status(db, petition) == PetitionStatus.OPEN


def test_withdrawing_twice_is_refused_and_changes_nothing(db, place, make_resident, petition, english):
    starter = make_resident(place.households(place.a)[0])
    petition = petition(place.a, starter.id)
    operations.withdraw_petition(starter, petition)
    db.session.commit()
    withdrawn_at = petition.withdrawn_at
    assert not may(starter, 'petition.withdraw', petition)
    with pytest.raises(Refusal) as refused:
        operations.withdraw_petition(starter, petition)
    assert refused.value.code == 'wrong_state'
    assert refused.value.message == 'This petition has changed meanwhile; reload the page.'
    assert refused.value.rule.code == 'petition_procedure'  # the machine's refusals cite the petition procedure
    db.session.rollback()
    assert _status(db, petition) == PetitionStatus.WITHDRAWN
    assert petition.withdrawn_at == withdrawn_at


def test_a_sweep_leaves_a_petition_another_request_moved(db, place, make_resident, petition):
    starter = make_resident(place.households(place.a)[0])
    petition = petition(place.a, starter.id)
    # Another request withdrew it after this one loaded it: the lapse finds it gone, without raising.
    db.session.execute(
        sa.update(Petition).where(Petition.id == petition.id).values(status=PetitionStatus.WITHDRAWN),
        execution_options={'synchronize_session': False},
    )
    assert petition.status == PetitionStatus.OPEN
    assert take(petition, 'lapse', refuse=False, lapsed_at=utcnow()) is False
    assert _status(db, petition) == PetitionStatus.WITHDRAWN
    assert sweeps.lapse(petition, petition.lapses_at) is False


def test_system_steps_are_no_actions(app):
    assert MACHINE.transitions['meet'].system
    assert MACHINE.transitions['lapse'].system
    with pytest.raises(KeyError):
        may(None, 'petition.meet', None)
