"""Configuration, read only from ``LETS_*`` environment variables, with documented defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: The sizes of the named rate limits (defaults in ``lets_platform.ratelimit.LIMITS``).
RATE_LIMIT_SIZES = (
    "LETS_RATE_LIMIT_LOGIN",
    "LETS_RATE_LIMIT_OAUTH_TOKEN",
    "LETS_RATE_LIMIT_PASSWORD_RESET",
    "LETS_RATE_LIMIT_MESSAGES",
)

#: Area packages loaded by the app factory, in order; each exposes ``init_app(app)``.
DEFAULT_MODULES = "lets_tenants,lets_federation"


def default_instance_path() -> str:
    """The instance folder: ``$LETS_INSTANCE_PATH``, else ``./instance`` in the working dir."""
    return os.environ.get("LETS_INSTANCE_PATH") or str(Path.cwd() / "instance")


def from_environment(instance_path: str) -> dict[str, Any]:
    """Build the Flask config mapping from the environment.

    Args:
        instance_path: folder for the embedded SQLite file and generated secrets.
    Returns:
        a dict of config keys; ``create_app(config=...)`` overrides any of them.
    """
    env = os.environ
    database_url = (
        env.get("LETS_DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'lets.sqlite'}"
    )
    return {
        "SECRET_KEY": env.get("LETS_SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        #: The ordinary PostgreSQL role the hub serves as: ``lets db upgrade`` (run as the
        #: owner) grants it what it needs (lets_platform.dbroles).
        "LETS_DATABASE_APP_ROLE": env.get("LETS_DATABASE_APP_ROLE") or None,
        #: Serve even when connected as a superuser or an owner (not recommended).
        "LETS_ALLOW_PRIVILEGED_DATABASE_ROLE": _flag(
            env.get("LETS_ALLOW_PRIVILEGED_DATABASE_ROLE"), default=False
        ),
        "LETS_REDIS_URL": env.get("LETS_REDIS_URL") or None,
        #: Prefix of every Redis key the broker uses; hubs (or test runs) sharing a Redis
        #: database stay apart by using different namespaces.
        "LETS_REDIS_NAMESPACE": env.get("LETS_REDIS_NAMESPACE") or "dramatiq",
        "LETS_MODULES": env.get("LETS_MODULES", DEFAULT_MODULES),
        "LETS_PASSWORD_HASH": env.get("LETS_PASSWORD_HASH", "argon2"),
        "LETS_PUBLIC_URL": env.get("LETS_PUBLIC_URL") or None,
        "LETS_SESSION_COOKIE_SECURE": _flag(env.get("LETS_SESSION_COOKIE_SECURE"), default=True),
        "LETS_OIDC_PRIVATE_KEY_PATH": env.get("LETS_OIDC_PRIVATE_KEY_PATH") or None,
        #: How mail leaves (lets_platform.mail): "outbox" (files) or "smtp".
        "LETS_MAIL_SENDER": env.get("LETS_MAIL_SENDER") or "outbox",
        "LETS_MAIL_OUTBOX": env.get("LETS_MAIL_OUTBOX") or None,
        "LETS_SMTP_URL": env.get("LETS_SMTP_URL") or None,
        "LETS_MAIL_FROM": env.get("LETS_MAIL_FROM") or None,
        #: How many times the mail queue tries a mail before it gives up on it.
        "LETS_MAIL_MAX_ATTEMPTS": int(env.get("LETS_MAIL_MAX_ATTEMPTS") or 12),
        #: Where uploads (photos, printable directories) are kept (lets_platform.storage):
        #: "local", in LETS_STORAGE_PATH (default <instance>/uploads).
        "LETS_STORAGE": env.get("LETS_STORAGE") or "local",
        "LETS_STORAGE_PATH": env.get("LETS_STORAGE_PATH") or None,
        "LETS_PHOTO_MAX_BYTES": int(env.get("LETS_PHOTO_MAX_BYTES") or 5 * 1024 * 1024),
        #: Messages one person may send in an hour, whatever their address.
        "LETS_MESSAGES_PER_HOUR": int(env.get("LETS_MESSAGES_PER_HOUR") or 30),
        #: Rate limits per client address (lets_platform.ratelimit): on unless turned off;
        #: counted in this storage, else in LETS_REDIS_URL's Redis, else in memory.
        "LETS_RATE_LIMITS_ENABLED": _flag(env.get("LETS_RATE_LIMITS_ENABLED"), default=True),
        "LETS_RATE_LIMIT_STORAGE_URL": env.get("LETS_RATE_LIMIT_STORAGE_URL") or None,
        #: Proxies in front of the hub whose X-Forwarded-For (and -Proto) are believed.
        "LETS_TRUSTED_PROXIES": int(env.get("LETS_TRUSTED_PROXIES") or 0),
        #: The largest request body accepted, in bytes (lets_platform.edge); larger is 413.
        "LETS_MAX_CONTENT_LENGTH": int(env.get("LETS_MAX_CONTENT_LENGTH") or 10 * 1024 * 1024),
        **{name: env[name] for name in RATE_LIMIT_SIZES if env.get(name)},
    }


def _flag(value: str | None, *, default: bool) -> bool:
    """A yes/no setting: "0", "false", "no", "off" are no; unset is ``default``."""
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (``postgresql://``)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance_path: str) -> str:
    """A secret key generated once and kept in the instance folder (embedded default only)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
