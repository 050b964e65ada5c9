"""``flask disclosure sweep``: close the windows that ended and flag overdue answers (for a timer)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import utcnow

from . import sweeps

disclosure_cli = AppGroup('disclosure', help='Result disclosure (结果公开): publicity periods and objections.')


@disclosure_cli.command('sweep')
def sweep_command():
    """Close each publicity window that ended with every objection answered; flag overdue answers (idempotent)."""
    now = utcnow()
    closed = sweeps.close_windows(now)
    flagged = sweeps.flag_overdue(now)
    db.session.commit()
    click.echo(
        _(
            '%(closed)s window(s) closed, %(flagged)s overdue objection(s) flagged.',
            closed=len(closed),
            flagged=len(flagged),
        )
    )
