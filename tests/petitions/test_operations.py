"""Starting, signing, withdrawing, the duty to convene and its deadline."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.kernel.clock import today
from consult.kernel.refusals import Refusal
from consult.petitions import operations
from consult.petitions.models import Petition
from consult.petitions.models import PetitionSignature
from consult.petitions.models import PetitionStatus
from consult.roles.models import Role
from consult.web import attempt
from tests.petitions.conftest import households_of


@pytest.fixture
def crowd(place, residents):
    """Ten adults in each household of community A (160; 32 heads or 4 households needed)."""
    return {h.id: residents(h, 10) for h in households_of(place.a)}


@pytest.fixture
def starter(db, place, make_resident, crowd):
    return make_resident(households_of(place.a)[0])


def _count(db, model, **where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_starting_signs_and_records_the_rules(db, place, starter, english):
    p = operations.start_petition(starter, place.a, ' Repair the lift ', 'Broken for a month.')
    db.session.commit()
    assert (p.title, p.status, p.rule_set_id is not None, p.topic_id) == ('Repair the lift', 'open', True, None)
    assert _count(db, PetitionSignature, petition_id=p.id, user_id=starter.id) == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'petition.start'))
    assert (entry.actor_id, entry.subject_id, entry.details) == (starter.id, None, {'petition_id': p.id})


@pytest.mark.parametrize(('title', 'matter'), [('', 'x'), ('x', '   '), ('x' * 121, 'x'), ('x', 'x' * 2001)])
def test_bad_text_is_refused_and_nothing_is_saved(db, place, starter, english, title, matter):
    _result, refusal = attempt(operations.start_petition, starter, place.a, title, matter)
    assert refusal is not None
    assert _count(db, Petition) == 0
    assert _count(db, PetitionSignature) == 0
    assert _count(db, AuditEntry, action='petition.start') == 0


def test_matter_of_exactly_2000_characters_is_accepted(db, place, starter, english):
    _result, refusal = attempt(operations.start_petition, starter, place.a, 'Title', '议' * 2000)
    assert refusal is None


def test_markup_is_stored_as_plain_text(db, place, starter, english):
    p = operations.start_petition(starter, place.a, '<b>Lift</b>', '<script>x</script>Broken')
    assert '<' not in p.title
    assert '<script>' not in p.matter


def test_a_second_signature_by_the_same_person_is_refused(db, place, starter, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    db.session.commit()
    with pytest.raises(Refusal) as refusal:
        operations.sign(starter, p)
    assert refusal.value.code == 'duplicate'
    db.session.commit()
    assert _count(db, PetitionSignature, petition_id=p.id) == 1


def test_the_unique_index_stops_concurrent_duplicates(db, place, starter, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    db.session.commit()
    # What a racing request would do: insert without any check in Python.
    home = households_of(place.a)[0]
    with pytest.raises(sa.exc.IntegrityError) as error, db.session.begin_nested():
        db.session.add(
            PetitionSignature(petition_id=p.id, user_id=starter.id, household_id=home.id, building_id=home.building_id)
        )
    assert 'unique' in str(error.value).lower()


def test_withdraw_then_sign_again(db, place, starter, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    operations.withdraw_signature(starter, p)
    operations.sign(starter, p)
    db.session.commit()
    assert _count(db, PetitionSignature, petition_id=p.id) == 2
    assert _count(db, PetitionSignature, petition_id=p.id, withdrawn_at=None) == 1


def test_withdrawing_without_a_signature_is_refused(db, place, starter, make_resident, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    with pytest.raises(Refusal) as refusal:
        operations.withdraw_signature(make_resident(households_of(place.a)[1]), p)
    assert refusal.value.code == 'not_signed'


def _met(db, place, starter, crowd):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    for i in (4, 8, 12):
        operations.sign(_user(db, crowd[households_of(place.a)[i].id][0]), p)
    db.session.commit()
    assert p.status == PetitionStatus.THRESHOLD_MET
    return p


def _user(db, user_id):
    from consult.accounts.models import User

    return db.session.get(User, user_id)


def test_no_signing_or_withdrawing_once_met(db, place, starter, crowd, english):
    p = _met(db, place, starter, crowd)
    with pytest.raises(Refusal):
        operations.sign(_user(db, crowd[households_of(place.a)[1].id][0]), p)
    with pytest.raises(Refusal):
        operations.withdraw_signature(starter, p)


def test_the_threshold_is_marked_once(db, place, starter, crowd, english):
    p = _met(db, place, starter, crowd)
    met_at = p.met_at
    assert operations.check_threshold(p) is False
    assert p.met_at == met_at
    assert _count(db, AuditEntry, action='petition.met') == 1


def test_only_the_starter_withdraws_an_open_petition(db, place, starter, make_resident, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    with pytest.raises(Refusal):
        operations.withdraw_petition(make_resident(households_of(place.a)[1]), p)
    operations.withdraw_petition(starter, p)
    assert p.status == PetitionStatus.WITHDRAWN


@pytest.fixture
def committee(make_user, grant, place):
    def make(role=Role.COMMITTEE_STAFF, community=None):
        user = make_user()
        grant(user, role, community=community or place.a)
        return user

    return make


@pytest.mark.parametrize(
    ('role', 'where'),
    [(Role.COMMITTEE_STAFF, 'b'), (Role.COMMITTEE_DIRECTOR, 'b'), (Role.PARTY_ORG, 'a'), (Role.GRID_WORKER, 'a')],
)
def test_only_this_communitys_committee_records_the_meeting(db, place, starter, crowd, committee, english, role, where):
    p = _met(db, place, starter, crowd)
    with pytest.raises(Refusal):
        operations.record_convened(committee(role, getattr(place, where)), p, today(), 'Held in the hall.')
    assert p.status == PetitionStatus.THRESHOLD_MET


def test_recording_the_meeting(db, place, starter, crowd, committee, english):
    p = _met(db, place, starter, crowd)
    director = committee(Role.COMMITTEE_DIRECTOR)
    operations.record_convened(director, p, today(), 'Held in the hall; 80 attended.')
    db.session.commit()
    assert (p.status, p.convened_on, p.convened_by_id) == ('convened', today(), director.id)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'petition.convened'))
    assert entry.details['overdue'] is False
    assert not p.is_overdue(p.convene_due_at + timedelta(days=1))


@pytest.mark.parametrize(
    ('day', 'note'),
    [(None, 'Held.'), (today() + timedelta(days=1), 'Held.'), (today() - timedelta(days=1), 'Held.'), (today(), ' ')],
)
def test_bad_meeting_records_are_refused(db, place, starter, crowd, committee, english, day, note):
    p = _met(db, place, starter, crowd)
    _result, refusal = attempt(operations.record_convened, committee(), p, day, note)
    assert refusal is not None
    db.session.refresh(p)
    assert p.status == PetitionStatus.THRESHOLD_MET
    assert p.meeting_note is None


def test_an_open_petition_cannot_be_recorded_as_convened(db, place, starter, committee, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    with pytest.raises(Refusal) as refusal:
        operations.record_convened(committee(), p, today(), 'Held.')
    assert refusal.value.code == 'wrong_state'


def test_overdue_only_after_the_deadline_second(db, place, starter, crowd):
    p = _met(db, place, starter, crowd)
    due = p.convene_due_at
    assert due == p.met_at + timedelta(days=7)
    assert not p.is_overdue(due)
    assert p.is_overdue(due + timedelta(seconds=1))
    assert not p.is_overdue(due - timedelta(seconds=1))


def test_signing_reads_the_locked_row_not_a_stale_object(db, place, starter, make_resident, english):
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    neighbour = make_resident(households_of(place.a)[1])
    assert p.status == PetitionStatus.OPEN
    # Another request met the threshold meanwhile; this request's object still says "open".
    db.session.execute(
        sa.update(Petition).where(Petition.id == p.id).values(status=PetitionStatus.THRESHOLD_MET),
        execution_options={'synchronize_session': False},
    )
    assert p.status == PetitionStatus.OPEN
    with pytest.raises(Refusal) as refusal:
        operations.sign(neighbour, p)
    assert refusal.value.code == 'wrong_state'


def test_a_signature_keeps_the_household_and_building_of_signing_after_a_move(db, place, starter, english):
    from consult.residency import operations as residency

    home = households_of(place.a)[0]
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    db.session.commit()
    claim = residency.claim_residence(starter, households_of(place.b)[0])
    if claim.status != 'verified':
        residency.verify(claim, None, 'staff')
    db.session.commit()
    row = db.session.scalar(sa.select(PetitionSignature).where(PetitionSignature.petition_id == p.id))
    assert (row.household_id, row.building_id, row.withdrawn_at) == (home.id, home.building_id, None)
    assert operations.queries.petition_counts(p)[('petitioners', 'head')] == 0
