"""What PostgreSQL's catalogue says about the hub's tables and the role it serves as.

Every tenant table (one with a scheme id column) has row-level security enabled and
forced, with a policy; every other table is listed below with the reason it is not per
scheme. The app role (which the whole PostgreSQL suite connects as) owns nothing, is not
superuser, has no BYPASSRLS, and cannot UPDATE or DELETE the append-only tables
(``lets_platform.dbroles.APPEND_ONLY``); every other table gets the ordinary grant.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lets_platform import dbroles, testing
from lets_platform.db import db

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)

#: Tables without a scheme id column, so without row-level security, and why.
PLATFORM_TABLES = {
    "alembic_version": "Alembic's schema version; the app role may only read it",
    "persons": "a person is one login across every scheme",
    "api_tokens": "a person's personal tokens, looked up by digest before any scheme is known",
    "networks": "regional networks group schemes; public to every signed-in person",
    "schemes": "the tenants themselves: looking one up is what enters its scope",
    "oauth_codes": "authorization codes belong to a person and a client, not a scheme",
    "oauth_tokens": "access and refresh tokens belong to a person and a client",
    "oauth_consents": "a person's remembered consent to a client, across schemes",
    "one_time_links": "a person's invitation, password-reset and email-change links (digests)",
    "scheduled_jobs": "the last period each periodic job was sent for, hub-wide",
    "federation_clearing_runs": "hub-wide totals of a clearing run; per-scheme rows are "
    "in federation_clearing_run_schemes and _pairs, which have policies",
}

#: The hub's own tables (public schema), with their scheme id columns.
TABLES = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
       (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attname ~ 'scheme(_[a-z])?_id$') AS scheme_columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
 ORDER BY c.relname
"""


def _tables():
    with db.engine.connect() as connection:
        return list(connection.execute(text(TABLES)))


def _one(statement: str, **params):
    with db.engine.connect() as connection:
        return connection.execute(text(statement), params).scalar_one()


def test_the_suite_serves_as_the_app_role_and_an_ordinary_owner_ran_the_migrations(ctx):
    assert _one("SELECT current_user") == testing.APP_ROLE
    owners = _one(
        "SELECT array_agg(DISTINCT r.rolname::text) FROM pg_tables t "
        "JOIN pg_roles r ON r.rolname = t.tableowner WHERE t.schemaname = 'public'"
    )
    assert owners == [testing.OWNER_ROLE]
    assert _one("SELECT rolsuper FROM pg_roles WHERE rolname = :r", r=testing.OWNER_ROLE) is False


def test_every_tenant_table_has_row_level_security_enabled_forced_and_a_policy(ctx):
    tenant = [row for row in _tables() if row.scheme_columns]
    assert {"accounts", "transfers", "audit_log", "federation_trades"} <= {
        r.relname for r in tenant
    }
    unguarded = [
        f"{row.relname} (enabled={row.relrowsecurity}, forced={row.relforcerowsecurity}, "
        f"policies={row.policies})"
        for row in tenant
        if not (row.relrowsecurity and row.relforcerowsecurity and row.policies)
    ]
    assert unguarded == [], (
        "tables with a scheme id column need row-level security: ENABLE and FORCE ROW LEVEL "
        "SECURITY and a policy on lets_scheme_visible(scheme_id) in their migration (see "
        f"migrations/versions/0002_roles_and_rls.py): {unguarded}"
    )


def test_every_table_without_a_policy_is_a_platform_table_listed_with_its_reason(ctx):
    rows = _tables()
    unlisted = [
        r.relname for r in rows if not r.scheme_columns and r.relname not in PLATFORM_TABLES
    ]
    assert unlisted == [], (
        f"{unlisted}: no scheme id column, so no row-level security. If its rows belong to "
        "a scheme, give it scheme_id and a policy; if they are the hub's own, add it to "
        "PLATFORM_TABLES in tests/integration/test_database_catalogue.py with the reason"
    )
    stale = sorted(set(PLATFORM_TABLES) - {r.relname for r in rows if not r.scheme_columns})
    assert stale == [], f"{stale}: listed as platform tables but gone or now per scheme"


def test_the_app_role_owns_nothing_and_bypasses_nothing(ctx):
    role = "current_user"
    assert _one(f"SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = {role}") is False
    owned = _one(
        "SELECT (SELECT count(*) FROM pg_class WHERE pg_has_role(current_user, relowner, "
        "'MEMBER')) + (SELECT count(*) FROM pg_proc WHERE pg_has_role(current_user, proowner, "
        "'MEMBER')) + (SELECT count(*) FROM pg_namespace WHERE pg_has_role(current_user, "
        "nspowner, 'MEMBER')) + (SELECT count(*) FROM pg_type WHERE pg_has_role(current_user, "
        "typowner, 'MEMBER')) + (SELECT count(*) FROM pg_database WHERE "
        "pg_has_role(current_user, datdba, 'MEMBER'))"
    )
    assert owned == 0
    with db.engine.connect() as connection:
        assert dbroles.privileges(connection) == []


@pytest.mark.parametrize("table", sorted(dbroles.APPEND_ONLY))
def test_the_app_role_cannot_delete_from_or_rewrite_an_append_only_table(ctx, table):
    updatable = dbroles.APPEND_ONLY[table]
    assert _one("SELECT has_table_privilege(:t, 'DELETE')", t=table) is False
    columns = _one(
        "SELECT array_agg(attname::text ORDER BY attname) FROM pg_attribute "
        "WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 AND NOT attisdropped "
        "AND has_column_privilege(attrelid, attnum, 'UPDATE')",
        t=table,
    )
    if updatable is None:
        assert columns
    else:
        assert sorted(columns or []) == sorted(updatable)


def test_every_other_table_gets_the_ordinary_grant_and_none_can_be_truncated(ctx):
    for row in _tables():
        name = row.relname
        privileges = {
            p: _one("SELECT has_table_privilege(:t, :p)", t=name, p=p)
            for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
        }
        assert privileges["SELECT"], name
        assert not (privileges["TRUNCATE"] or privileges["REFERENCES"] or privileges["TRIGGER"])
        if name not in dbroles.APPEND_ONLY and name != "alembic_version":
            assert privileges["INSERT"] and privileges["UPDATE"] and privileges["DELETE"], name


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("DELETE FROM audit_log", "permission denied"),
        ("UPDATE audit_log SET action = 'nothing'", "permission denied"),
        ("DELETE FROM federation_rate_changes", "permission denied"),
        ("UPDATE federation_trades SET fed_amount = fed_amount + 1", "permission denied"),
        ("DELETE FROM imports", "permission denied"),
        ("TRUNCATE transfers", "permission denied"),
        ("ALTER TABLE transfers NO FORCE ROW LEVEL SECURITY", "must be owner"),
        ("ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY", "must be owner"),
        ("DROP POLICY scheme_isolation ON accounts", "must be owner"),
        ("ALTER TABLE transfers DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TABLE audit_log", "must be owner"),
        ("CREATE TABLE mine (id int)", "permission denied"),
        ("SET row_security = off; SELECT count(*) FROM accounts", "row-level security"),
    ],
)
def test_the_app_role_is_refused_what_would_defeat_row_level_security_or_history(
    ctx, statement, refusal
):
    with db.engine.connect() as connection, pytest.raises(DBAPIError, match=refusal):
        connection.execute(text("SELECT set_config('lets.schemes', '*', true)"))
        for part in statement.split("; "):
            connection.execute(text(part))
