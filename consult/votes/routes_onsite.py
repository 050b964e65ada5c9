"""The on-site page of a vote: the committee marks who voted on paper or by hand and enters the on-site result.

Before the close only the committee of the vote's community opens this page (it shows the hand count, a partial
count: ``onsite.py`` says why, and what the embargo allows); everyone else gets 404, as for a count that does
not exist yet. Nothing here pushes anything.
"""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from consult.inputs import int_arg
from consult.inputs import parse_int
from consult.kernel.actions import may
from consult.kernel.refusals import Refusal
from consult.web import attempt

from . import bp
from . import onsite_queries as oq
from .forms_onsite import ConfirmForm
from .forms_onsite import CountForm
from .forms_onsite import MarkForm
from .forms_onsite import PersonForm
from .guards import RECORD_KEPT
from .models import VoteKind
from .models import VoteStatus
from .onsite import is_weighted
from .onsite import mark_attendees
from .onsite import mark_voted
from .onsite_entries import confirm_entry
from .onsite_entries import enter_count
from .onsite_entries import enter_person
from .onsite_entries import latest_entry
from .onsite_models import EntryKind
from .routes import load_vote
from .routes import read_choice


def _load(vote_id: int):
    vote = load_vote(vote_id)
    if not may(current_user, 'vote.onsite', vote):
        abort(404)  # the on-site record holds a partial count: it does not exist for anyone else before the close
    return vote


def _back(vote, **args):
    return redirect(url_for('votes.onsite', vote_id=vote.id, **args))


def _flash(refusal, success: str) -> None:
    flash(str(refusal) if refusal else success, 'error' if refusal else 'success')


@bp.route('/<int:vote_id>/onsite')
@login_required
def onsite(vote_id: int):
    vote = _load(vote_id)
    search = (request.args.get('q') or '').strip()[:40]
    person_form = PersonForm()
    if vote.is_open and not vote.secret:
        person_form.voter.choices = [SelectChoice(e.user_id, e.user.display_name) for e in oq.roll_call_voters(vote)]
    latest = latest_entry(vote, EntryKind.COUNT) if vote.secret else None
    count_form = CountForm(supersedes=latest.id if latest is not None else '')
    return render_template(
        'votes/onsite.html',
        vote=vote,
        is_draft=vote.status == VoteStatus.DRAFT,
        search=search,
        markable=oq.markable(vote, search, int_arg('page')) if vote.is_open else None,
        weighted=vote.secret and vote.is_open and is_weighted(vote),
        rows=oq.entry_rows(vote, current_user),
        latest=latest,
        mark_form=MarkForm(),
        count_form=count_form,
        person_form=person_form,
        confirm_form=ConfirmForm(),
        counts=may(current_user, 'vote.count_onsite', vote),
        multiple=vote.kind == VoteKind.MULTIPLE,
        ranked=vote.kind == VoteKind.RANKED,
        motion=vote.kind == VoteKind.MOTION,
    )


@bp.route('/<int:vote_id>/onsite/mark', methods=['POST'])
@login_required
def onsite_mark(vote_id: int):
    vote = _load(vote_id)
    form = MarkForm()
    if not form.validate_on_submit():
        flash(_('Choose paper or show of hands.'), 'error')
        return _back(vote)
    user_id = parse_int(form.user_id.data, 1)
    if user_id is None:
        marked, refusal = attempt(mark_attendees, current_user, vote, form.channel.data)
        _flash(refusal, _('Marked as voting on site: %(num)s voters signed in on site.', num=marked or 0))
    else:
        _done, refusal = attempt(mark_voted, current_user, vote, user_id, form.channel.data)
        _flash(refusal, _('Marked as voting on site.'))
    return _back(vote, q=request.form.get('q') or None)


def _whole(values, name: str, required: bool = False) -> int | None:
    raw = (values.get(name) or '').strip()
    if not raw:
        if required:
            raise Refusal(_('Give the number of ballots that are not blank.'), code='bad_ballots')
        return 0
    value = parse_int(raw, 0)
    if value is None:
        raise Refusal(_('Each number is a whole number.'), code='bad_counts')
    return value


@bp.route('/<int:vote_id>/onsite/count', methods=['POST'])
@login_required
def onsite_count(vote_id: int):
    vote = _load(vote_id)
    form = CountForm()
    if not form.validate_on_submit():
        flash(_('Each number is a whole number.'), 'error')
        return _back(vote)

    def _enter():
        counts = [_whole(request.form, f'count-{option.position}') for option in vote.options]
        blank = _whole(request.form, 'blank')
        ballots = _whole(request.form, 'ballots', required=True) if vote.kind == VoteKind.MULTIPLE else None
        supersedes = parse_int(form.supersedes.data, 1)
        return enter_count(current_user, vote, counts, blank, ballots, supersedes, form.reason.data or '')

    _done, refusal = attempt(_enter)
    _flash(refusal, _('Entered. It counts once another committee member confirms it.'))
    return _back(vote)


@bp.route('/<int:vote_id>/onsite/person', methods=['POST'])
@login_required
def onsite_person(vote_id: int):
    vote = _load(vote_id)
    form = PersonForm()
    form.voter.choices = [SelectChoice(e.user_id, e.user.display_name) for e in oq.roll_call_voters(vote)]
    if not form.validate_on_submit():
        flash(_('Choose the voter and how they voted.'), 'error')
        return _back(vote)

    def _enter():
        latest = latest_entry(vote, EntryKind.PERSON, form.voter.data)
        if latest is not None and not form.correct.data:
            raise Refusal(
                _('This voter already has an entry: tick "corrects the latest entry" and say why.'),
                RECORD_KEPT,
                code='stale',
            )
        supersedes = latest.id if latest is not None else None
        choice = read_choice(vote, request.form)
        return enter_person(
            current_user, vote, form.voter.data, choice, form.channel.data, supersedes, form.reason.data or ''
        )

    _done, refusal = attempt(_enter)
    _flash(refusal, _('Entered. It counts once another committee member confirms it.'))
    return _back(vote)


@bp.route('/<int:vote_id>/onsite/<int:entry_id>/confirm', methods=['POST'])
@login_required
def onsite_confirm(vote_id: int, entry_id: int):
    vote = _load(vote_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _done, refusal = attempt(confirm_entry, current_user, vote, entry_id)
    _flash(refusal, _('Confirmed: this entry counts at the close.'))
    return _back(vote)
