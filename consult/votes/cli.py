"""``flask votes close-due``: open and close the votes whose times have come (the server does it too)."""

import click
from flask.cli import AppGroup

votes_cli = AppGroup('votes', help='Votes: open and close what is due.')


@votes_cli.command('close-due')
def close_due_command():
    """Open standalone votes whose opening time has come; close and count votes whose closing time passed."""
    from .closer import run_due

    opened, closed = run_due()
    click.echo(f'opened {opened}, closed {closed}')
