"""Home page, language switch and text size."""

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from consult.accounts import operations as account_operations
from consult.accounts.forms import LanguageForm
from consult.accounts.forms import TextSizeForm
from consult.db import db
from consult.i18n import SESSION_KEY
from consult.kernel.signals import work_cards
from consult.main import bp
from consult.main.context import TEXT_SIZE_COOKIE
from consult.main.context import TEXT_SIZE_MAX_AGE
from consult.residency.eligibility import active_membership
from consult.roles.permissions import active_grants


@bp.route('/')
def index():
    """The home page: for a logged-in person, the work each context has waiting for them (``home_work``)."""
    if not current_user.is_authenticated:
        return render_template('main/index.html', membership=None, cards=[], official=False)
    return render_template(
        'main/index.html',
        membership=active_membership(current_user),
        cards=work_cards(current_user),
        # Anyone with an official role is told nothing about their own residence (they may not be a resident).
        official=bool(active_grants(current_user)),
    )


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
    return redirect(_back())


@bp.route('/text-size', methods=['POST'])
def set_text_size():
    """Large text on or off: for this device (a cookie) and, when logged in, for the account."""
    form = TextSizeForm()
    response = redirect(_back())
    if form.validate_on_submit():
        large = form.large.data == '1'
        if large:
            response.set_cookie(
                TEXT_SIZE_COOKIE,
                'large',
                max_age=TEXT_SIZE_MAX_AGE,
                httponly=True,
                samesite='Lax',
                secure=current_app.config.get('SESSION_COOKIE_SECURE', False),
            )
        else:
            response.delete_cookie(TEXT_SIZE_COOKIE)
        if current_user.is_authenticated:
            account_operations.set_large_text(current_user, large)
            db.session.commit()
    return response


def _back() -> str:
    """The page the form was sent from, when it is on this site."""
    target = request.referrer or url_for('main.index')
    if not target.startswith(request.host_url):
        target = url_for('main.index')
    return target
