"""Committee staff import household weights (e.g. floor areas) that votes counted by weight use."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import login_required

from consult.residency import bp
from consult.residency import weights
from consult.residency.forms import WeightsForm
from consult.residency.routes.staff import get_community_or_404
from consult.residency.routes.staff import import_upload


@bp.route('/communities/<int:community_id>/weights', methods=['GET', 'POST'])
@login_required
def weights_import(community_id: int):
    community = get_community_or_404(community_id)
    form = WeightsForm()
    refusal = None
    if form.validate_on_submit():
        count, refusal = import_upload(form.weights.data, weights.import_weights, community)
        if refusal is None:
            flash(_('Weights imported for %(num)s households.', num=count), 'success')
            return redirect(url_for('residency.weights_import', community_id=community.id))
    return render_template(
        'residency/weights.html',
        community=community,
        form=form,
        refusal=refusal,
        problems=getattr(refusal, 'problems', []),
        weighted=weights.weighted_count(community.id),
    )
