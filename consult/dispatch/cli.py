"""``flask dispatch remind``: tell departments of their items due tomorrow (for a daily timer)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from consult.db import db
from consult.dispatch import sweeps
from consult.kernel.clock import utcnow

dispatch_cli = AppGroup('dispatch', help='Dispatched items (吹哨/派单).')


@dispatch_cli.command('remind')
def remind_command():
    """Remind each department of its open items due by the end of tomorrow (idempotent: once per deadline)."""
    reminded = sweeps.remind_due(utcnow())
    db.session.commit()
    click.echo(_('%(count)s dispatched item(s) reminded.', count=len(reminded)))
