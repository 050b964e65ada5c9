"""The log's signing key: given, or made once in the instance folder (like ``SECRET_KEY``); the tests' own in tests."""

from consult.config import ProductionConfig
from consult.config import TestingConfig
from consult.config import load_or_create_signing_key
from consult.config import new_signing_key


def test_a_key_is_made_once_in_the_instance_folder(tmp_path):
    """As ``SECRET_KEY``: without ``TRANSPARENCY_SIGNING_KEY``, one key made once, private, and kept."""
    first = load_or_create_signing_key(str(tmp_path))
    assert load_or_create_signing_key(str(tmp_path)) == first
    assert (tmp_path / 'transparency_key').stat().st_mode & 0o777 == 0o600


def test_a_production_app_signs_with_its_instance_key_or_the_given_one(tmp_path, monkeypatch):
    from consult import create_app
    from consult.transparency import keys

    monkeypatch.delenv('TRANSPARENCY_SIGNING_KEY', raising=False)
    monkeypatch.setenv('CONSULT_INSTANCE_PATH', str(tmp_path))
    made = create_app(ProductionConfig, overrides={'SQLALCHEMY_DATABASE_URI': f'sqlite:///{tmp_path}/p.db'})
    assert made.config['TRANSPARENCY_SIGNING_KEY'] == (tmp_path / 'transparency_key').read_text().strip()
    given = new_signing_key()
    app = create_app(
        ProductionConfig,
        overrides={'SQLALCHEMY_DATABASE_URI': f'sqlite:///{tmp_path}/p.db', 'TRANSPARENCY_SIGNING_KEY': given},
    )
    with app.app_context():
        assert keys.key_id()
        assert app.config['TRANSPARENCY_SIGNING_KEY'] == given


def test_the_app_signs_with_the_configured_key(app):
    from consult.transparency import keys

    with app.app_context():
        assert app.config['TRANSPARENCY_SIGNING_KEY'] == TestingConfig.TRANSPARENCY_SIGNING_KEY
        message = keys.head_message(1, bytes(32), 0)
        assert keys.verify(keys.public_key(), keys.sign(message), message)
        assert len(keys.key_id()) == 64
