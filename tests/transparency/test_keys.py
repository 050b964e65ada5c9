"""The log's signing key: given in production, made once in development, the tests' own in tests."""

import pytest

from consult.config import DevelopmentConfig
from consult.config import ProductionConfig
from consult.config import TestingConfig
from consult.config import load_or_create_signing_key


def test_production_refuses_to_start_without_a_key(tmp_path):
    assert ProductionConfig.TRANSPARENCY_KEY_REQUIRED is True
    assert not getattr(DevelopmentConfig, 'TRANSPARENCY_KEY_REQUIRED', False)
    with pytest.raises(RuntimeError, match='TRANSPARENCY_SIGNING_KEY'):
        load_or_create_signing_key(str(tmp_path), production=True)
    assert not (tmp_path / 'transparency_key').exists()


def test_development_makes_a_key_once_in_the_instance_folder(tmp_path):
    first = load_or_create_signing_key(str(tmp_path), production=False)
    assert load_or_create_signing_key(str(tmp_path), production=False) == first
    assert (tmp_path / 'transparency_key').stat().st_mode & 0o777 == 0o600


def test_the_app_signs_with_the_configured_key(app):
    from consult.transparency import keys

    with app.app_context():
        assert app.config['TRANSPARENCY_SIGNING_KEY'] == TestingConfig.TRANSPARENCY_SIGNING_KEY
        message = keys.head_message(1, bytes(32), 0)
        assert keys.verify(keys.public_key(), keys.sign(message), message)
        assert len(keys.key_id()) == 64
