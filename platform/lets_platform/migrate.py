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


#: Tables the application may not rewrite freely: table -> the columns it may still UPDATE
#: (``None``: any column). No row of these is ever DELETEd by the application. Areas add
#: their own with :func:`protect` from their ``init_app``.
PROTECTED: dict[str, tuple[str, ...] | None] = {
    "audit_log": (),
    "transfers": ("state", "posted_at", "void_reason"),
}


def protect(table: str, updatable: tuple[str, ...] | None = None) -> None:
    """Keep ``table``'s rows from deletion by the application (and all but ``updatable``)."""
    PROTECTED[table] = updatable


def grant_statements(role: str) -> list[str]:
    """What the application's PostgreSQL role may do: read and write the tables, but not
    change the audit log (append-only), delete a transfer or a trade or rewrite one's amount
    or parties, nor touch the schema; it owns nothing, so row-level security binds it."""
    quoted = '"' + role.replace('"', '""') + '"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
    ]
    for table, updatable in sorted(PROTECTED.items()):
        if updatable is None:
            statements.append(f"REVOKE DELETE ON {table} FROM {quoted}")
            continue
        statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {quoted}")
        if updatable:
            statements.append(f"GRANT UPDATE ({', '.join(updatable)}) ON {table} TO {quoted}")
    return statements


def grant(role: str) -> None:
    """Grant ``role`` what the application needs (run as the tables' owner, after upgrade)."""
    from lets_platform.db import db

    with db.engine.begin() as connection:
        for statement in grant_statements(role):
            connection.exec_driver_sql(statement)
