"""The provider's signing key: RS256, from ``LETS_OIDC_PRIVATE_KEY_PATH`` or the instance folder.

The embedded default generates a 2048-bit RSA key once into ``<instance>/oidc_private_key.pem``
(mode 0600) and keeps using it; a deployment points the variable at its own PEM file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from joserfc.jwk import RSAKey

ALGORITHM = "RS256"
DEFAULT_FILE = "oidc_private_key.pem"
_CACHE = "lets_oidc_key"


def key_path() -> Path:
    configured = current_app.config.get("LETS_OIDC_PRIVATE_KEY_PATH")
    return Path(configured or Path(current_app.instance_path) / DEFAULT_FILE)


def signing_key() -> RSAKey:
    """The private key (loaded once per app; generated first if the default file is missing)."""
    key = current_app.extensions.get(_CACHE)
    if key is None:
        path = key_path()
        if not path.exists() and not current_app.config.get("LETS_OIDC_PRIVATE_KEY_PATH"):
            generate_key_file(path)
        key = RSAKey.import_key(path.read_bytes(), {"use": "sig", "alg": ALGORITHM})
        key.ensure_kid()
        current_app.extensions[_CACHE] = key
    return key


def generate_key_file(path: Path) -> None:
    """Write a new RSA private key as PEM, readable by the owner only."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def jwks() -> dict[str, Any]:
    """The public half, as the JSON Web Key Set relying parties verify ID tokens with."""
    public = signing_key().as_dict(private=False)
    return {"keys": [{**public, "use": "sig", "alg": ALGORITHM}]}
