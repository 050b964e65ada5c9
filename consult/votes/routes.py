"""Vote pages: prepare, open and close, cast, the result and the published lists (after the close only)."""

from datetime import UTC

from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from consult.accounts.session import session_login
from consult.db import db
from consult.db import rollback_quietly
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.kernel.clock import CITY_ZONE
from consult.kernel.refusals import Refusal
from consult.topics.permissions import topic_writable
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

from . import bp
from . import intake
from . import queries
from .closer import settle
from .closing import close_vote
from .counting import ChoiceError
from .counting import ranking_from_ranks
from .forms import CancelForm
from .forms import ReceiptCheckForm
from .forms import StepForm
from .forms import VoteForm
from .guards import CHOICE
from .models import Channel
from .models import Vote
from .models import VoteKind
from .operations import RULE_KINDS
from .operations import cancel_vote
from .operations import create_vote
from .operations import open_vote
from .pushes import changed
from .sealing import normalise_receipt
from .views import panel_context


def load_vote(vote_id: int, action: str = 'vote.view') -> Vote:
    vote = db.session.get(Vote, vote_id)
    if vote is None or not may(current_user, 'vote.view', vote):
        abort(404)
    if request.method not in ('GET', 'HEAD') and not topic_writable(vote.topic):
        abort(403)  # an archived topic's votes are read-only; the page says why
    if action != 'vote.view' and not may(current_user, action, vote):
        abort(403)
    settle(vote)
    return vote


def _wants_json() -> bool:
    return request.accept_mimetypes.best == 'application/json'


@bp.route('/new', methods=['GET', 'POST'])
@login_required
def create():
    from consult.meetings.models import Meeting
    from consult.meetings.models import MeetingStatus
    from consult.rules.defaults import MEETING_TYPES
    from consult.topics.models import Topic

    topic = db.session.get(Topic, int_arg('topic', None) or 0)
    if topic is None or not may(current_user, 'topic.view', topic):
        abort(404)
    meeting_id = int_arg('meeting', None)
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    if meeting_id and (meeting is None or meeting.topic_id != topic.id):
        abort(404)
    if not may(current_user, 'vote.prepare', topic) and not (
        meeting is not None and may(current_user, 'meeting.moderate', meeting)
    ):
        abort(403)
    form = VoteForm()
    # A meeting's vote takes its rules, electorate and times from the meeting; a standalone one has no agenda
    # item and no minutes. The fields a page does not show are not on its form (they would fail unseen).
    for name in VoteForm.STANDALONE_ONLY if meeting else VoteForm.MEETING_ONLY:
        delattr(form, name)
    if meeting is None:
        form.rule_kind.choices = [SelectChoice(k, MEETING_TYPES[k]) for k in RULE_KINDS]
    else:
        form.agenda_item_id.choices = [SelectChoice(0, _('None'))] + [
            SelectChoice(item.id, item.title) for item in meeting.items
        ]
    if form.validate_on_submit():
        value = {name: field.data for name, field in form._fields.items()}.get
        data = {
            'title': form.title.data,
            'question': form.question.data or '',
            'kind': form.kind.data,
            'options': (form.options.data or '').splitlines(),
            'max_choices': form.max_choices.data,
            'decides': form.decides.data,
            'agenda_item_id': value('agenda_item_id') or None,
            'minutes': value('minutes'),
            'rule_kind': value('rule_kind'),
            'electorate_mode': value('electorate_mode'),
            'opens_at': _utc(value('opens_at')),
            'closes_at': _utc(value('closes_at')),
        }
        done = attempt_once(form, 'vote', create_vote, current_user, topic, data, meeting=meeting)
        if done.earlier is not None:
            return already_submitted(url_for('votes.detail', vote_id=done.earlier))
        if done.refusal is None:
            flash(_('The vote is prepared.'), 'success')
            return redirect(url_for('votes.detail', vote_id=done.result.id))
        flash(str(done.refusal), 'error')
    return render_template(
        'votes/new.html',
        form=form,
        topic=topic,
        meeting=meeting,
        standalone=meeting is None,
        in_session=meeting is not None and meeting.status == MeetingStatus.OPEN,
    )


def _utc(value):
    """A form's naive Beijing time as an aware UTC datetime."""
    return value.replace(tzinfo=CITY_ZONE).astimezone(UTC) if value else None


@bp.route('/<int:vote_id>')
def detail(vote_id: int):
    vote = load_vote(vote_id)
    receipt = session.pop(f'receipt:{vote.id}', None)
    check = ReceiptCheckForm(request.args, meta={'csrf': False})
    found = None
    if vote.is_closed and request.args.get('code'):
        code = normalise_receipt(request.args.get('code', ''))
        found = bool(code) and queries.has_receipt(vote, code)
    return render_template(
        'votes/detail.html',
        vote=vote,
        receipt=receipt,
        check=check,
        found=found,
        step_form=StepForm(),
        cancel_form=CancelForm(),
        **panel_context(vote, current_user),
    )


def read_choice(vote: intake.Facts, values) -> object:
    """The ballot as posted: ``choice`` (one or several option positions) or ``rank-<position>`` fields."""
    if vote.kind == VoteKind.RANKED:
        ranks = {}
        for position in range(vote.options):
            raw = (values.get(f'rank-{position}') or '').strip()
            if raw:
                if not raw.isdigit() or len(raw) > 3:
                    raise Refusal(_('A rank is a whole number.'), CHOICE, code='bad_rank')
                ranks[position] = int(raw)
        try:
            return list(ranking_from_ranks(ranks))
        except ChoiceError as exc:
            from .ballot_refusals import CHOICE_MESSAGES

            raise Refusal(
                CHOICE_MESSAGES.get(exc.code, lambda: _('The ballot is malformed.'))(), CHOICE, code=exc.code
            ) from None
    chosen = values.getlist('choice') if hasattr(values, 'getlist') else values.get('choice', [])
    try:
        return [int(value) for value in chosen if str(value).strip()]
    except (TypeError, ValueError):
        raise Refusal(_('The ballot is malformed.'), CHOICE, code='bad_payload') from None


@bp.route('/<int:vote_id>/cast', methods=['POST'])
def cast(vote_id: int):
    """Cast a ballot (CSRF is checked by the extension). The fast path of ``intake``: no user, vote or topic is
    loaded once the person was found to see the vote. The login is checked as on every page, but its session is
    read with the batch's (``accounts.session.session_login``): a crowd's logins cost one statement."""
    login = session_login()
    if login is None:
        if not current_user.is_authenticated:  # a remember-me cookie alone, or not logged in
            return current_app.login_manager.unauthorized()
        user_id, unchecked = current_user.id, None
    else:
        user_id, key, trusted = login
        unchecked = None if trusted else (user_id, key)
    facts = intake.facts(vote_id)
    if facts is None or not intake.sees(user_id, vote_id, lambda who: _sees(vote_id, who)):
        abort(404)
    # The live room sends its ballots by socket; over HTTP only when its socket is down (still cast in the room).
    channel = Channel.ROOM if request.form.get('channel') == 'room' and facts.meeting_id else Channel.ONLINE
    try:
        principal = int_arg('for', None, source=request.form)
        client_id = request.form.get('client_id') or None
        receipt, refusal = (
            intake.cast(user_id, facts, read_choice(facts, request.form), channel, principal, client_id, unchecked),
            None,
        )
    except Refusal as exc:
        rollback_quietly()
        receipt, refusal = None, exc
    if refusal is not None and refusal.code == 'session_ended':
        return current_app.login_manager.unauthorized()
    if _wants_json():
        if refusal is not None:
            return jsonify(ok=False, code=refusal.code, message=str(refusal)), 409
        return jsonify(ok=True, receipt=receipt)
    if refusal is not None:
        flash(str(refusal), 'error')
    else:
        session[f'receipt:{vote_id}'] = receipt
        flash(_('Your ballot was cast. Keep your receipt code to find it in the published list.'), 'success')
    return redirect(url_for('votes.detail', vote_id=vote_id) + '#ballot')


def _sees(vote_id: int, who) -> bool:
    vote = db.session.get(Vote, vote_id)
    return vote is not None and may(intake.ANYONE if who is None else current_user, 'vote.view', vote)


def _step(vote_id: int, operation, success: str, *args):
    vote = load_vote(vote_id)
    if not may(current_user, 'vote.run', vote):
        if _wants_json():
            message = _('The chair or the committee opens and closes votes.')
            return jsonify(ok=False, code='forbidden', message=message), 403
        abort(403)
    form = StepForm()
    if not form.validate_on_submit():
        abort(400)

    def _run():
        operation(current_user, vote, *args)
        changed(vote)

    _done, refusal = attempt(_run)
    if _wants_json():  # the vote page and the live room (when their socket is down) take the step by fetch
        if refusal is not None:
            return jsonify(ok=False, code=refusal.code, message=str(refusal)), 409
        return jsonify(ok=True, status=str(vote.status))
    flash(str(refusal) if refusal else success, 'error' if refusal else 'success')
    target = request.form.get('next', '')
    if target == 'room' and vote.meeting_id is not None:
        return redirect(url_for('meetings.room_page', meeting_id=vote.meeting_id))
    return redirect(url_for('votes.detail', vote_id=vote.id))


@bp.route('/<int:vote_id>/open', methods=['POST'])
@login_required
def open_(vote_id: int):
    return _step(vote_id, open_vote, _('The vote is open.'))


@bp.route('/<int:vote_id>/close', methods=['POST'])
@login_required
def close(vote_id: int):
    return _step(vote_id, close_vote, _('The vote is closed and counted.'))


@bp.route('/<int:vote_id>/cancel', methods=['POST'])
@login_required
def cancel(vote_id: int):
    vote = load_vote(vote_id, 'vote.run')
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_('Say why the vote is cancelled.'), 'error')
        return redirect(url_for('votes.detail', vote_id=vote.id))

    def _run():
        cancel_vote(current_user, vote, form.reason.data)
        changed(vote)

    _done, refusal = attempt(_run)
    flash(str(refusal) if refusal else _('The vote is cancelled.'), 'error' if refusal else 'success')
    return redirect(url_for('votes.detail', vote_id=vote.id))
