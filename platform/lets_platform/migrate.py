"""Alembic, driven from the ``lets db`` commands and from tests."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from lets_platform import dbroles


def migrations_dir() -> Path:
    """``$LETS_MIGRATIONS_DIR``, or ``migrations/`` at the top of the source tree."""
    configured = os.environ.get("LETS_MIGRATIONS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def upgrade(revision: str = "head") -> str | None:
    """Migrate the current app's database (call inside an app context, as the owner), then
    grant the app role (``LETS_DATABASE_APP_ROLE``, PostgreSQL) what it needs on every
    table, new ones included. Returns the role granted, if any."""
    from flask import current_app

    from lets_platform.db import db

    command.upgrade(alembic_config(), revision)
    role = current_app.config.get("LETS_DATABASE_APP_ROLE")
    if not role or db.engine.dialect.name != "postgresql":
        return None
    dbroles.grant(role)
    return str(role)


def downgrade(revision: str = "base") -> None:
    command.downgrade(alembic_config(), revision)


#: Names of database objects the migrations make but no model describes (search indexes:
#: SQLite's FTS5 tables, PostgreSQL's expression indexes); areas add theirs with
#: :func:`not_modelled`, and the models-versus-migrations comparison leaves them out.
NOT_MODELLED: set[str] = set()


def not_modelled(*prefixes: str) -> None:
    """Leave objects whose names start with one of ``prefixes`` out of the comparison."""
    NOT_MODELLED.update(prefixes)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: every object but those of :data:`NOT_MODELLED`."""
    return not (name and any(name.startswith(prefix) for prefix in NOT_MODELLED))


def protect(table: str, updatable: tuple[str, ...] | None = None) -> None:
    """Kept for areas that call it; the list lives in ``dbroles.APPEND_ONLY``."""
    dbroles.protect(table, updatable)


def grant(role: str) -> None:
    """Grant ``role`` what the application needs (``dbroles.grant``; run as the owner)."""
    dbroles.grant(role)
