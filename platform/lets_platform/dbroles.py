"""The two PostgreSQL roles of a production hub, and what each may do.

An **owner** role runs ``lets db upgrade``: it owns every table, function and the schema.
An **app** role (``LETS_DATABASE_APP_ROLE``) serves, runs the workers and the scheduler:
it owns nothing, is not superuser and has no BYPASSRLS, so row-level security binds it,
and it may not rewrite history (the append-only tables below). ``lets db upgrade`` grants
it what it needs after migrating, so a table a migration adds gets the ordinary grant at
once; only the tables named in :data:`APPEND_ONLY` are narrower.

The serving entry points (``lets serve``, ``lets worker``, ``lets scheduler``, gunicorn's
``lets_platform.wsgi``) call :func:`refuse_privileged` first: connected as a superuser,
a BYPASSRLS role or an owner, they refuse to start unless
``LETS_ALLOW_PRIVILEGED_DATABASE_ROLE`` says so. SQLite has no roles and is unaffected.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

#: The one list of tables the app role may not rewrite: table -> the columns it may still
#: UPDATE (``()``: none, the table is append-only; ``None``: any). It may DELETE no row of
#: any of them. Every other table gets SELECT, INSERT, UPDATE, DELETE. Before adding a
#: table here, check (grep) that no code path UPDATEs or DELETEs what you take away.
APPEND_ONLY: dict[str, tuple[str, ...] | None] = {
    "audit_log": (),
    "transfers": ("state", "posted_at", "void_reason"),  # a hold is posted or voided
    "federation_trades": ("state", "reason", "reason_detail", "payee_leg_id", "decided_at"),
    "federation_rate_changes": (),  # the rates' history
    "federation_clearing_runs": ("finished_at",),  # written once, then marked finished
    "federation_clearing_run_schemes": (),
    "federation_clearing_run_pairs": (),
    "imports": (),  # who imported what, with the files' digests
    "migration_items": None,  # the closure report is kept with the closed scheme
}

#: Set to 1 to let the serving processes connect as a superuser or an owner anyway.
ALLOW_PRIVILEGED = "LETS_ALLOW_PRIVILEGED_DATABASE_ROLE"


def protect(table: str, updatable: tuple[str, ...] | None = None) -> None:
    """Add ``table`` to :data:`APPEND_ONLY` (prefer writing it there, in one place)."""
    APPEND_ONLY[table] = updatable


def quote(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'


def grant_statements(role: str, tables: set[str] | None = None) -> list[str]:
    """What the app role may do: read and write every table (new ones included), but not
    change the append-only ones, nor Alembic's version, nor the schema.

    Args:
        role: the app role's name.
        tables: the tables that exist (only those of :data:`APPEND_ONLY` are narrowed);
            ``None`` assumes all of them do.
    Returns:
        the statements, to run in one transaction as the tables' owner.
    """
    who = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {who}",
    ]
    for table, updatable in sorted(APPEND_ONLY.items()):
        if tables is not None and table not in tables:
            continue
        if updatable is None:
            statements.append(f"REVOKE DELETE ON {table} FROM {who}")
            continue
        statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {who}")
        if updatable:
            statements.append(f"GRANT UPDATE ({', '.join(updatable)}) ON {table} TO {who}")
    return statements


class PrivilegedRole(RuntimeError):
    """The serving processes are connected as a role that row-level security does not bind
    or that may rewrite history."""


def grant(role: str) -> None:
    """Grant ``role`` what the application needs, and no more (run as the owner, after
    upgrading). Refuses a role that is the owner itself, a superuser or BYPASSRLS."""
    from lets_platform.db import db

    with db.engine.begin() as connection:
        found = connection.execute(
            text(
                "SELECT rolsuper OR rolbypassrls, pg_has_role(current_user, oid, 'MEMBER') "
                "FROM pg_roles WHERE rolname = :r"
            ),
            {"r": role},
        ).first()
        if found is None:
            raise PrivilegedRole(f"the app role {role!r} does not exist (create it first)")
        if found[0] or found[1]:
            raise PrivilegedRole(
                f"the app role {role!r} must be an ordinary role other than the owner "
                "(not superuser, no BYPASSRLS, not the role that runs the migrations)"
            )
        tables = set(
            connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
        for statement in grant_statements(role, tables):
            connection.exec_driver_sql(statement)


#: Why a role may not serve: each query answers rows naming what is wrong.
_PRIVILEGES = """
SELECT 'is a superuser' FROM pg_roles WHERE rolname = current_user AND rolsuper
UNION ALL
SELECT 'has BYPASSRLS' FROM pg_roles WHERE rolname = current_user AND rolbypassrls
UNION ALL
SELECT 'owns the database' FROM pg_database
 WHERE datname = current_database() AND pg_has_role(current_user, datdba, 'MEMBER')
UNION ALL
SELECT 'owns the schema ' || nspname FROM pg_namespace
 WHERE nspname = 'public' AND pg_has_role(current_user, nspowner, 'MEMBER')
UNION ALL
(SELECT 'owns the table ' || relname FROM pg_class c
   JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
    AND pg_has_role(current_user, c.relowner, 'MEMBER')
  ORDER BY relname LIMIT 3)
UNION ALL
(SELECT 'owns the function ' || proname FROM pg_proc p
   JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
  WHERE pg_has_role(current_user, p.proowner, 'MEMBER')
  ORDER BY proname LIMIT 3)
"""


def privileges(connection: Any) -> list[str]:
    """What makes the connection's role too powerful to serve (empty: nothing)."""
    return list(connection.execute(text(_PRIVILEGES)).scalars())


def refuse_privileged(app: Flask) -> None:
    """Raise :class:`PrivilegedRole` if ``app`` would serve as a superuser, a BYPASSRLS
    role or an owner on PostgreSQL; tests and ``LETS_ALLOW_PRIVILEGED_DATABASE_ROLE=1``
    pass, as does SQLite."""
    from lets_platform.db import db

    if app.config.get("TESTING") or app.config.get(ALLOW_PRIVILEGED):
        return
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.connect() as connection:
            user = connection.execute(text("SELECT current_user")).scalar_one()
            found = privileges(connection)
    if "is a superuser" in found:
        found = ["is a superuser"]  # which passes every other check too
    if found:
        raise PrivilegedRole(
            f"refusing to serve: the database role {user!r} {', '.join(found)}, so "
            "row-level security would not bind it or it could rewrite history. Run the "
            "migrations as the owner (lets db upgrade, with LETS_DATABASE_APP_ROLE set) and "
            "serve as the app role (deploy/postgres/roles.sql; README, Running it in "
            f"production). To start anyway, set {ALLOW_PRIVILEGED}=1."
        )
