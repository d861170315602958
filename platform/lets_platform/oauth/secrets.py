"""Random credentials and their digests: what the provider hands out and what it keeps."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ACCESS_TOKEN_PREFIX = "letsat_"
REFRESH_TOKEN_PREFIX = "letsrt_"
CLIENT_SECRET_PREFIX = "letscs_"


def digest(value: str) -> str:
    """SHA-256 hex digest: enough for long random values, never used for passwords."""
    return hashlib.sha256(value.encode()).hexdigest()


def digest_matches(value: str, expected: str) -> bool:
    return hmac.compare_digest(digest(value or ""), expected)


def new_client_id() -> str:
    return "letsc_" + secrets.token_urlsafe(18)


def new_client_secret() -> str:
    return CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32)


def new_access_token(**_: object) -> str:
    return ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_refresh_token(**_: object) -> str:
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(40)


def new_code() -> str:
    return secrets.token_urlsafe(36)
