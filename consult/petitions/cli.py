"""``flask petitions lapse``: lapse every due petition in one transaction (for a daily timer)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import utcnow
from consult.petitions import sweeps

petitions_cli = AppGroup('petitions', help="Petitions for a residents' meeting.")


@petitions_cli.command('lapse')
def lapse_command():
    """Lapse every open petition past its lapse period (idempotent; each lapse is audited)."""
    lapsed = sweeps.lapse_due(utcnow())
    db.session.commit()
    click.echo(_('%(count)s petition(s) lapsed.', count=len(lapsed)))
