"""Account views: register, log in and out, change password."""

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from consult.accounts import bp
from consult.accounts import operations
from consult.accounts.forms import ChangePasswordForm
from consult.accounts.forms import LoginForm
from consult.accounts.forms import RegisterForm
from consult.accounts.forms import normalise_identifier
from consult.extensions import db
from consult.extensions import limiter
from consult.kernel.refusals import Refusal
from consult.web import attempt


def _safe_next(target: str | None) -> str:
    if target and target.startswith('/') and not target.startswith('//') and '\\' not in target:
        return target
    return url_for('main.index')


@bp.route('/register', methods=['GET', 'POST'])
def register():
    if current_user.is_authenticated:
        return redirect(url_for('main.index'))
    form = RegisterForm()
    if form.validate_on_submit():
        user, refusal = attempt(
            operations.register_user,
            form.identifier.data,
            form.password.data,
            form.display_name.data,
            form.real_name.data,
            form.birth_date.data,
        )
        if refusal is not None:
            form.identifier.errors.append(str(refusal))
        else:
            login_user(user)
            flash(_('Welcome! Now tell us where you live so your committee can verify you.'), 'success')
            return redirect(url_for('residency.claim'))
    return render_template('accounts/register.html', form=form)


def _login_limit() -> str:
    return current_app.config['LOGIN_RATE_LIMIT']


@bp.route('/login', methods=['GET', 'POST'])
@limiter.limit(_login_limit, methods=['POST'])
def login():
    if current_user.is_authenticated:
        return redirect(url_for('main.index'))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = operations.authenticate(
                normalise_identifier(form.identifier.data),
                form.password.data,
                max_failures=current_app.config['LOGIN_MAX_FAILURES'],
                lockout_minutes=current_app.config['LOGIN_LOCKOUT_MINUTES'],
            )
        except Refusal as refusal:
            db.session.commit()  # remember the failed attempt
            error = str(refusal)
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            if user.locale:
                session['locale'] = user.locale
            flash(_('You are logged in.'), 'success')
            return redirect(_safe_next(request.args.get('next')))
    status = 200 if error is None else 401
    return render_template('accounts/login.html', form=form, error=error), status


@bp.route('/logout', methods=['POST'])
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_('You are logged out.'), 'info')
    return redirect(url_for('main.index'))


@bp.route('/password', methods=['GET', 'POST'])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.change_password, current_user, form.current.data, form.password.data)
        if refusal is not None:
            form.current.errors.append(str(refusal))
        else:
            login_user(current_user._get_current_object())  # refresh the session id with the new session version
            flash(_('Your password has been changed. Other devices have been logged out.'), 'success')
            return redirect(url_for('main.index'))
    return render_template('accounts/password.html', form=form)
