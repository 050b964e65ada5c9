"""Home page and language switch."""

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from consult.accounts import operations as account_operations
from consult.accounts.forms import LanguageForm
from consult.db import db
from consult.i18n import SESSION_KEY
from consult.main import bp
from consult.residency.eligibility import active_membership


@bp.route('/')
def index():
    return render_template('main/index.html', membership=active_membership(current_user))


@bp.route('/language', methods=['POST'])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        locale = form.locale.data if form.locale.data in current_app.config['LANGUAGES'] else None
        if locale:
            session[SESSION_KEY] = locale
        else:
            session.pop(SESSION_KEY, None)
        if current_user.is_authenticated:
            account_operations.set_locale(current_user, locale)
            db.session.commit()
    target = request.referrer or url_for('main.index')
    if not target.startswith(request.host_url):
        target = url_for('main.index')
    return redirect(target)
