"""``flask deputies sweep``: flag the deputies' suggestions whose reply is overdue (for a daily timer)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import utcnow

from . import sweeps

deputies_cli = AppGroup('deputies', help="NPC deputies (人大代表): their suggestions' reply deadlines.")


@deputies_cli.command('sweep')
def sweep_command():
    """Flag each suggestion unanswered past its deadline and tell the body and the deputy (idempotent)."""
    flagged = sweeps.flag_overdue(utcnow())
    db.session.commit()
    click.echo(_('%(count)s overdue suggestion(s) flagged.', count=len(flagged)))
