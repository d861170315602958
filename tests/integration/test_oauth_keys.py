"""The ID-token signing key: generated once into the instance folder by default (owner-only),
or read from the file ``LETS_OIDC_PRIVATE_KEY_PATH`` names."""

from __future__ import annotations

import stat
from pathlib import Path

from joserfc.jwk import RSAKey

from lets_platform.app import create_app
from lets_platform.oauth import keys


def kid_of(instance: Path, **config: str) -> str:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "LETS_INSTANCE_PATH": str(instance), **config}
    )
    with app.app_context():
        return str(keys.jwks()["keys"][0]["kid"])


def test_the_default_key_is_generated_once_readable_by_the_owner_only(tmp_path):
    first = kid_of(tmp_path)
    second = kid_of(tmp_path)

    key_file = tmp_path / keys.DEFAULT_FILE
    assert first == second
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_configured_key_file_is_used(tmp_path):
    own = RSAKey.generate_key(2048)
    path = tmp_path / "deploy-key.pem"
    path.write_bytes(own.as_pem(private=True))

    kid = kid_of(tmp_path / "instance", LETS_OIDC_PRIVATE_KEY_PATH=str(path))

    own.ensure_kid()
    assert kid == own.kid
    assert not (tmp_path / "instance" / keys.DEFAULT_FILE).exists()


def test_the_jwks_publishes_only_the_public_half(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "LETS_INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        published = keys.jwks()["keys"][0]

    assert published["alg"] == "RS256"
    assert {"d", "p", "q", "dp", "dq", "qi"}.isdisjoint(published)
