"""``flask archive``: checking the transparency log, and making its signing key."""

import sys

import click
from flask.cli import with_appcontext

from consult.config import new_signing_key

from . import keys
from .verify import verify_log

archive_cli = click.Group('archive', help='The archive of public records and its transparency log.')


@archive_cli.command('verify')
@click.option('--batch', default=5000, show_default=True, help='Leaves read per statement.')
@click.option('--skip-records', is_flag=True, help='Check the log and its heads only, not the records behind it.')
@with_appcontext
def verify_command(batch: int, skip_records: bool) -> None:
    """Check every leaf, subtree hash, signed head and record; name the first entry that does not match."""
    report = verify_log(batch_size=max(1, batch), records=not skip_records)
    click.echo(
        f'{report.leaves} entries, {report.nodes} subtree hashes, {report.heads} signed heads, '
        f'{report.records} records checked.'
    )
    first = report.first
    if first is None:
        click.echo('The log is intact.')
        return
    click.echo(f'FAILED at entry {first.entry}: {first.message}', err=True)
    for problem in sorted(report.problems)[1:]:
        click.echo(f'  also: {problem.message}', err=True)
    sys.exit(1)


@archive_cli.command('public-key')
@with_appcontext
def public_key_command() -> None:
    """Print the log's public key (PEM) and its fingerprint."""
    click.echo(keys.public_pem(), nl=False)
    click.echo(f'fingerprint (SHA-256 of the raw key): {keys.key_id()}')


@archive_cli.command('new-key')
def new_key_command() -> None:
    """Print a new signing key for TRANSPARENCY_SIGNING_KEY (keep it secret; changing it disowns old heads)."""
    click.echo(new_signing_key())
