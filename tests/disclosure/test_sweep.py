"""The sweep from the command line, the mail of an answer, and the committee's home page."""

from consult.disclosure import operations
from consult.kernel.signals import work_cards
from tests.disclosure.conftest import OBJECTION
from tests.disclosure.conftest import end_window


def test_the_cli_command_closes_a_window_once(db, runner, cast, published):
    end_window(published, seconds_ago=1)
    first = runner.invoke(args=['disclosure', 'sweep'])
    assert first.exit_code == 0, first.output
    db.session.expire_all()
    assert published.status == 'implementing'
    again = runner.invoke(args=['disclosure', 'sweep'])
    assert again.exit_code == 0, again.output
    assert first.output != again.output  # "1 window(s) closed", then "0"


def test_an_answer_is_mailed_to_the_objector_after_the_commit(db, cast, published, mail_server):
    cast.neighbour.email = 'objector@example.org'
    db.session.commit()
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    operations.answer_objection(cast.staff, objection, 'not_upheld', '方案已兼顾一楼住户。')
    assert mail_server.messages == []
    db.session.commit()
    assert 'objector@example.org' in mail_server.recipients()


def test_the_committee_sees_results_to_publish_on_its_home_page(db, cast, ready):
    card = next(c for c in work_cards(cast.staff) if c.key == 'publication')
    assert card.count == 1
    assert card.rows[0].label == ready.title
    assert all(c.key != 'publication' for c in work_cards(cast.resident))
