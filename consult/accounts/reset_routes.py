"""Forgotten passwords: a link by email, or a one-time code from the residents committee (no SMS needed)."""

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _

from consult.accounts import bp
from consult.accounts import limits
from consult.accounts import resets
from consult.accounts.forms import ForgotPasswordForm
from consult.accounts.forms import ResetCodeForm
from consult.accounts.forms import ResetPasswordForm
from consult.accounts.forms import normalise_identifier
from consult.extensions import db
from consult.extensions import limiter
from consult.kernel.refusals import Refusal
from consult.kernel.signals import mail_user

#: Longer than any token ``resets.request_link`` makes: not looked up.
_TOKEN_MAX = 64


def _private(response, status: int = 200):
    """The pages that hold a reset secret: not cached, and no Referer leaves them."""
    response = current_app.make_response((response, status))
    response.headers['Cache-Control'] = 'no-store'
    response.headers['Referrer-Policy'] = 'no-referrer'
    return response


@bp.route('/forgot', methods=['GET', 'POST'])
@limiter.limit(limits.reset_limit, methods=['POST'])
@limiter.limit(limits.reset_account_limit, methods=['POST'], key_func=limits.reset_account_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = resets.request_link(
            normalise_identifier(form.identifier.data), minutes=current_app.config['PASSWORD_RESET_LINK_MINUTES']
        )
        if found is not None:
            user, token = found
            link = url_for('accounts.reset_password', token=token, _external=True)
            body = _(
                'To set a new password for Consult, open this link within %(minutes)s minutes:\n\n%(link)s\n\n'
                'It works once. If you did not ask for it, ignore this email: your password stays as it is.',
                minutes=current_app.config['PASSWORD_RESET_LINK_MINUTES'],
                link=link,
            )
            mail_user.send(user, subject=_('Set a new password'), body=body)
        db.session.commit()
        # The same page whether or not an account (or its email) exists: nobody learns which numbers have one.
        return render_template('accounts/forgot_sent.html')
    return render_template('accounts/forgot.html', form=form)


@bp.route('/reset/<token>', methods=['GET', 'POST'])
def reset_password(token: str):
    token = token[: _TOKEN_MAX + 1]
    valid = len(token) <= _TOKEN_MAX and resets.link_is_valid(token)
    form = ResetPasswordForm()
    error = None if valid else _('This link has expired or has already been used. Ask for a new one.')
    if valid and form.validate_on_submit():
        try:
            resets.reset_with_link(token, form.password.data)
        except Refusal as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            flash(
                _('Your password has been set. Every device was logged out: log in with the new password.'), 'success'
            )
            return redirect(url_for('accounts.login'))
    page = render_template('accounts/reset.html', form=form if error is None else None, error=error)
    return _private(page, 200 if error is None else 410)


@bp.route('/reset-code', methods=['GET', 'POST'])
@limiter.limit(limits.reset_code_limit, methods=['POST'], deduct_when=limits.failed_attempt)
@limiter.limit(
    limits.reset_code_account_limit,
    methods=['POST'],
    key_func=limits.login_account_key,
    deduct_when=limits.failed_attempt,
)
def reset_with_code():
    form = ResetCodeForm()
    error = None
    if form.validate_on_submit():
        try:
            resets.reset_with_code(
                normalise_identifier(form.identifier.data),
                form.code.data,
                form.password.data,
                max_failures=current_app.config['PASSWORD_RESET_CODE_MAX_FAILURES'],
            )
        except Refusal as refusal:
            db.session.commit()  # the wrong try is counted on the code
            error = str(refusal)
        else:
            db.session.commit()
            flash(
                _('Your password has been set. Every device was logged out: log in with the new password.'), 'success'
            )
            return redirect(url_for('accounts.login'))
    return _private(render_template('accounts/reset_code.html', form=form, error=error), 200 if error is None else 401)
