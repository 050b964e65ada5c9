"""Account views: register, log in and out, change password, the login sessions (devices) of the account."""

import sqlalchemy as sa
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
from consult.accounts import limits
from consult.accounts import operations
from consult.accounts.forms import ChangePasswordForm
from consult.accounts.forms import LoginForm
from consult.accounts.forms import RegisterForm
from consult.accounts.forms import SessionsForm
from consult.accounts.forms import normalise_identifier
from consult.accounts.forms import safe_next
from consult.accounts.models import LoginSession
from consult.accounts.session import live as session_live
from consult.extensions import db
from consult.extensions import limiter
from consult.kernel.refusals import Refusal
from consult.web import attempt


def _log_in(user) -> None:
    """Start a login session for ``user`` (the caller commits) and put it in a fresh cookie session."""
    operations.start_session(user, request.headers.get('User-Agent'))
    session.clear()
    login_user(user)
    if user.locale:
        session['locale'] = user.locale


@bp.route('/register', methods=['GET', 'POST'])
@limiter.limit(limits.register_limit, methods=['POST'], deduct_when=limits.account_made)
def register():
    if current_user.is_authenticated:
        return redirect(url_for('main.index'))
    form = RegisterForm()
    if form.validate_on_submit():
        _user, refusal = attempt(
            _register_and_log_in,
            form.identifier.data,
            form.password.data,
            form.display_name.data,
            form.real_name.data,
            form.birth_date.data,
        )
        if refusal is not None:
            _field_of(form, refusal).errors.append(str(refusal))
        else:
            flash(_('Welcome! Now tell us where you live so your committee can verify you.'), 'success')
            return redirect(url_for('residency.claim'))
    return render_template('accounts/register.html', form=form)


def _field_of(form, refusal):
    """The field a registration refusal is about, so its message appears under that field."""
    if refusal.code == 'bad_birth_date':
        return form.birth_date
    if refusal.code == 'empty_name':
        from consult.security import clean_text

        return form.display_name if not clean_text(form.display_name.data) else form.real_name
    return form.identifier


def _register_and_log_in(*args):
    user = operations.register_user(*args)
    _log_in(user)
    return user


@bp.route('/login', methods=['GET', 'POST'])
@limiter.limit(limits.login_address_limit, methods=['POST'], deduct_when=limits.failed_attempt)
@limiter.limit(
    limits.login_account_limit, methods=['POST'], key_func=limits.login_account_key, deduct_when=limits.failed_attempt
)
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
            _log_in(user)
            db.session.commit()
            flash(_('You are logged in.'), 'success')
            return redirect(safe_next(request.args.get('next')) or url_for('main.index'))
    status = 200 if error is None else 401
    return render_template('accounts/login.html', form=form, error=error), status


@bp.route('/logout', methods=['POST'])
@login_required
def logout():
    operations.end_session(current_user.login_key)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_('You are logged out.'), 'info')
    return redirect(url_for('main.index'))


@bp.route('/password', methods=['GET', 'POST'])
@login_required
@limiter.limit(
    limits.password_change_limit,
    methods=['POST'],
    key_func=limits.password_change_key,
    deduct_when=limits.failed_attempt,
)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            operations.change_password(
                user,
                form.current.data,
                form.password.data,
                max_failures=current_app.config['LOGIN_MAX_FAILURES'],
                lockout_minutes=current_app.config['LOGIN_LOCKOUT_MINUTES'],
            )
            operations.end_other_sessions(user, keep_key=user.login_key)
        except Refusal as refusal:
            db.session.commit()  # a wrong current password counts toward the lockout
            form.current.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_('Your password has been changed. Other devices have been logged out.'), 'success')
            return redirect(url_for('main.index'))
    return render_template('accounts/password.html', form=form)


@bp.route('/sessions')
@login_required
def sessions():
    live = db.session.scalars(
        sa.select(LoginSession)
        .where(LoginSession.user_id == current_user.id, *session_live())
        .order_by(LoginSession.last_seen_at.desc())
        .limit(100)
    ).all()
    return render_template('accounts/sessions.html', live=live, form=SessionsForm(), current=current_user.login_key)


@bp.route('/sessions/others', methods=['POST'])
@login_required
def end_other_sessions():
    if SessionsForm().validate_on_submit():
        ended = operations.end_other_sessions(current_user, keep_key=current_user.login_key)
        db.session.commit()
        flash(_('Other devices have been logged out (%(count)s).', count=ended), 'info')
    return redirect(url_for('accounts.sessions'))
