"""Alembic, driven from the ``lets db`` commands and from tests."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config


def migrations_dir() -> Path:
    """``$LETS_MIGRATIONS_DIR``, or ``migrations/`` at the top of the source tree."""
    configured = os.environ.get("LETS_MIGRATIONS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database (call inside an app context)."""
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str = "base") -> None:
    command.downgrade(alembic_config(), revision)


def grant_statements(role: str) -> list[str]:
    """What the application's PostgreSQL role may do: read and write the tables, but not
    change the audit log (append-only), delete a transfer or rewrite one's amount or parties,
    nor touch the schema; it owns nothing, so row-level security binds it."""
    quoted = '"' + role.replace('"', '""') + '"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
        f"REVOKE UPDATE, DELETE ON audit_log FROM {quoted}",
        f"REVOKE UPDATE, DELETE ON transfers FROM {quoted}",
        f"GRANT UPDATE (state, posted_at, void_reason) ON transfers TO {quoted}",
    ]


def grant(role: str) -> None:
    """Grant ``role`` what the application needs (run as the tables' owner, after upgrade)."""
    from lets_platform.db import db

    with db.engine.begin() as connection:
        for statement in grant_statements(role):
            connection.exec_driver_sql(statement)
