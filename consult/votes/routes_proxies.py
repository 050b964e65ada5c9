"""Written proxies of a vote: the committee registers and withdraws them while the vote is being prepared.

The list is the committee's while the vote is prepared and open; the proxies in force are published with the
result on the vote page (``views.py``).
"""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from consult.kernel.actions import may
from consult.web import attempt

from . import bp
from .forms_onsite import ProxyForm
from .forms_onsite import WithdrawProxyForm
from .models import PROXY_STATUS_LABELS
from .proxies import DROP_REASONS
from .proxies import proxies_of
from .proxies import register_proxy
from .proxies import voter_choices
from .proxies import withdraw_proxy
from .routes import load_vote


def _load(vote_id: int):
    vote = load_vote(vote_id)
    if not may(current_user, 'vote.onsite', vote):  # the committee of the vote's community
        abort(404)
    return vote


@bp.route('/<int:vote_id>/proxies', methods=['GET', 'POST'])
@login_required
def proxies(vote_id: int):
    vote = _load(vote_id)
    registering = may(current_user, 'vote.proxies', vote)
    form = ProxyForm()
    if registering:
        choices = [SelectChoice(user_id, name) for user_id, name in voter_choices(vote)]
        form.principal.choices = choices
        form.holder.choices = choices
        if form.validate_on_submit():
            _proxy, refusal = attempt(
                register_proxy, current_user, vote, form.principal.data, form.holder.data, form.document.data
            )
            if refusal is None:
                flash(_('The written proxy is registered.'), 'success')
                return redirect(url_for('votes.proxies', vote_id=vote.id))
            flash(str(refusal), 'error')
    return render_template(
        'votes/proxies.html',
        vote=vote,
        form=form if registering else None,
        withdraw_form=WithdrawProxyForm(),
        rows=proxies_of(vote),
        labels=PROXY_STATUS_LABELS,
        reasons={key: message() for key, message in DROP_REASONS.items()},
    )


@bp.route('/<int:vote_id>/proxies/<int:proxy_id>/withdraw', methods=['POST'])
@login_required
def withdraw_proxy_(vote_id: int, proxy_id: int):
    vote = _load(vote_id)
    form = WithdrawProxyForm()
    if not form.validate_on_submit():
        flash(_('Say why the proxy is withdrawn.'), 'error')
        return redirect(url_for('votes.proxies', vote_id=vote.id))
    _done, refusal = attempt(withdraw_proxy, current_user, vote, proxy_id, form.reason.data)
    flash(str(refusal) if refusal else _('The written proxy is withdrawn.'), 'error' if refusal else 'success')
    return redirect(url_for('votes.proxies', vote_id=vote.id))
