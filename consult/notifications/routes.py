"""A person's notifications, newest first, and marking them read."""

import sqlalchemy as sa
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from consult.db import db
from consult.forms import ActionForm
from consult.inputs import int_arg
from consult.notifications import bp
from consult.notifications import operations
from consult.notifications.models import Notification
from consult.web import attempt

PAGE_SIZE = 20


@bp.route('/notifications', methods=['GET', 'POST'])
@login_required
def index():
    if request.method == 'POST':
        if ActionForm().validate_on_submit():
            attempt(operations.mark_read, current_user)
        return redirect(url_for('notifications.index'))
    page = db.paginate(
        sa.select(Notification)
        .where(Notification.user_id == current_user.id)
        .options(sa.orm.joinedload(Notification.topic), sa.orm.joinedload(Notification.petition))
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=int_arg('page'),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template('notifications/index.html', page=page, label=operations.label, action_form=ActionForm())
