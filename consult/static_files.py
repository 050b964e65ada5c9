"""Static files in production: content-hashed names, gzip, and a year of caching (WhiteNoise).

``flask static build`` copies ``static/`` into ``STATIC_BUILD_DIR`` twice over: each file under its own name and
under a name carrying a hash of its content (``js/site.3f9a1c2b4d5e.js``), writes the manifest
``staticfiles.json`` (name -> hashed name), and stores a gzip copy next to each file that compresses well.
When the manifest is there and ``STATIC_HASHED`` is set (production), the app serves that directory through
WhiteNoise: hashed names with ``Cache-Control: max-age=315360000, public, immutable`` (a changed file gets a
new name, so browsers never need to ask again), other names for ``STATIC_MAX_AGE`` seconds, the gzip copy to
browsers that accept it; and ``url_for('static', filename=...)`` gives the hashed name. Without a manifest the
app serves ``static/`` itself, as in development.
"""

import hashlib
import json
import logging
import re
import shutil
from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup

logger = logging.getLogger(__name__)

MANIFEST = 'staticfiles.json'
#: A hashed name: ``<stem>.<12 hex digits>.<extension>``.
HASHED = re.compile(r'\.[0-9a-f]{12}\.[^./]+$')


def build_dir(app: Flask) -> Path:
    return Path(app.config.get('STATIC_BUILD_DIR') or Path(app.instance_path) / 'static')


def hashed_name(relative: str, content: bytes) -> str:
    """``js/site.js`` -> ``js/site.<first 12 hex digits of its SHA-256>.js``."""
    path = Path(relative)
    digest = hashlib.sha256(content).hexdigest()[:12]
    return str(path.with_name(f'{path.stem}.{digest}{path.suffix}'))


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy ``source`` into ``target`` under plain and hashed names, gzip what compresses, write the manifest.

    :return: the manifest (relative name -> hashed relative name, with ``/`` separators).
    """
    from whitenoise.compress import Compressor

    source, target = source.resolve(), target.resolve()
    if target == source or source in target.parents or target in source.parents:
        raise click.UsageError(f'STATIC_BUILD_DIR ({target}) must lie outside static/ ({source})')
    if target.exists():
        shutil.rmtree(target)
    compressor = Compressor(use_brotli=False, quiet=True)
    manifest = {}
    for path in sorted(p for p in source.rglob('*') if p.is_file()):
        relative = path.relative_to(source).as_posix()
        content = path.read_bytes()
        hashed = hashed_name(relative, content)
        for name in (relative, hashed):
            out = target / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(content)
            if compressor.should_compress(name):
                compressor.compress(str(out))
        manifest[relative] = hashed
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _is_hashed(_path: str, url: str) -> bool:
    return bool(HASHED.search(url))


def _headers(headers, _path: str, _url: str) -> None:
    """Files are answered before the app's own headers (``consult.security``): no content sniffing."""
    headers['X-Content-Type-Options'] = 'nosniff'


def init_app(app: Flask) -> None:
    """In production (``STATIC_HASHED``) with a built manifest: serve the build through WhiteNoise, hash the URLs."""
    app.cli.add_command(static_cli)
    if not app.config.get('STATIC_HASHED'):
        return
    target = build_dir(app)
    try:
        manifest = json.loads((target / MANIFEST).read_text())
    except (OSError, ValueError):
        logger.warning('no static build in %s: run `flask static build`; serving static/ unhashed', target)
        return
    from whitenoise import WhiteNoise

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(target),
        prefix=app.static_url_path,
        max_age=app.config.get('STATIC_MAX_AGE', 300),
        immutable_file_test=_is_hashed,
        add_headers_function=_headers,
    )

    @app.url_defaults
    def _hashed_static(endpoint, values):
        if endpoint == 'static' and 'filename' in values:
            values['filename'] = manifest.get(values['filename'], values['filename'])


static_cli = AppGroup('static', help='Static files for production.')


@static_cli.command('build')
def build_command():
    """Build the hashed, compressed copy of static/ that production serves (run at each deploy, then restart)."""
    target = build_dir(current_app)
    manifest = build(Path(current_app.static_folder), target)
    click.echo(f'{len(manifest)} static files built in {target}')
