"""The rules the account steps cite, each with its source (shown with every refusal it causes)."""

from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Rule

ONE_ACCOUNT = Rule(
    'one_account',
    _l(
        'Cybersecurity Law art 24 (real identity): each account is registered to one person, so a mobile number'
        ' or email holds one account'
    ),
)
LOGIN_LOCKOUT = Rule(
    'login_lockout',
    _l(
        'Cybersecurity Law art 21 and GB/T 22239-2019 (identity authentication): repeated failed logins lock the'
        ' account for a while'
    ),
)
NEW_PASSWORD = Rule(
    'new_password',
    _l('GB/T 22239-2019 (identity authentication): a changed password must differ from the one it replaces'),
)
RESET_CODE_TRIES = Rule(
    'reset_code_tries',
    _l(
        'GB/T 22239-2019 (identity authentication): a password reset code works once, for a limited time, and stops'
        ' working after repeated wrong tries'
    ),
)
