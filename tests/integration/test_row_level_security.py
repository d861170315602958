"""PostgreSQL's row-level security is the second wall between schemes.

The app connects as an ordinary role (no superuser, no BYPASSRLS, owns no tables); each
tenant table shows a row only to a transaction that has entered that row's scheme.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lets_platform import testing
from lets_platform.db import db
from lets_platform.testing import statements_sent
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)

TENANT_TABLES = ["memberships", "accounts", "transfers", "invoices"]


@pytest.fixture
def two_schemes(ctx, create_scheme, create_member):
    wiltshire = create_scheme("wiltshire")
    bright = create_scheme("bright")
    for scheme, (payer, payee) in ((wiltshire, ("alice", "dave")), (bright, ("bob", "gita"))):
        create_member(scheme, payer)
        create_member(scheme, payee)
        transfer(scheme, payer=payer, payee=payee, amount="1.00", entered_by=None)
        send_invoice(scheme, sender=payer, payer=payee, amount="2.00", memo="", actor=None)
    db.session.commit()
    return wiltshire, bright


def _count(connection, table):
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_the_app_role_is_ordinary_and_owns_no_table(ctx):
    with db.engine.connect() as connection:
        role = connection.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        owned = connection.execute(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                "AND tableowner = current_user"
            )
        ).scalar_one()
    assert tuple(role) == (False, False)
    assert owned == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_a_raw_query_without_the_setting_sees_no_tenant_rows(two_schemes, table):
    with db.engine.connect() as connection:
        assert _count(connection, table) == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_a_transaction_in_one_scheme_sees_only_that_schemes_rows(two_schemes, table):
    wiltshire, _ = two_schemes
    with db.engine.connect() as connection:
        connection.execute(
            text("SELECT set_config('lets.schemes', :s, true)"), {"s": str(wiltshire.id)}
        )
        seen = connection.execute(text(f"SELECT DISTINCT scheme_id FROM {table}")).scalars()
        assert set(seen) == {wiltshire.id}


def test_the_setting_ends_with_its_transaction(two_schemes):
    wiltshire, _ = two_schemes
    with db.engine.connect() as connection:
        with connection.begin():
            connection.execute(
                text("SELECT set_config('lets.schemes', :s, true)"), {"s": str(wiltshire.id)}
            )
            assert _count(connection, "accounts") > 0
        with connection.begin():
            assert _count(connection, "accounts") == 0


def test_a_row_cannot_be_written_into_a_scheme_not_entered(two_schemes):
    wiltshire, bright = two_schemes
    with db.engine.connect() as connection, pytest.raises(DBAPIError, match="row-level"):
        connection.execute(
            text("SELECT set_config('lets.schemes', :s, true)"), {"s": str(wiltshire.id)}
        )
        connection.execute(
            text(
                "INSERT INTO accounts (scheme_id, name, kind, title, balance, held, "
                "min_balance, status, created_at) "
                "VALUES (:b, 'mole', 'central', 'Mole', 0, 0, 0, 'active', now())"
            ),
            {"b": bright.id},
        )


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM transfers",
        "UPDATE transfers SET amount = amount + 1",
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
    ],
)
def test_the_app_role_cannot_rewrite_history(two_schemes, statement):
    with db.engine.connect() as connection, pytest.raises(DBAPIError, match="permission denied"):
        connection.execute(text("SELECT set_config('lets.schemes', '*', true)"))
        connection.execute(text(statement))


@pytest.mark.parametrize("before", ["", "*", "bright"])
def test_looking_up_a_scheme_enters_it_in_the_same_statement(two_schemes, before):

    from lets_platform.tenancy import scope
    from lets_platform.tenancy.operations import get_scheme

    wiltshire_id, bright_id = (scheme.id for scheme in two_schemes)
    db.session.close()  # no transaction: the lookup begins one, as a request's does
    scope.reset(str(bright_id) if before == "bright" else before)
    with statements_sent() as statements:
        found = get_scheme("wiltshire")
    setting = db.session.execute(text("SELECT current_setting('lets.schemes')")).scalar_one()
    expected = {"": str(wiltshire_id), "*": "*", "bright": f"{bright_id},{wiltshire_id}"}
    assert found.id == wiltshire_id
    assert setting == scope.current() == expected[before]
    lookups = [s for s in statements if "FROM schemes" in s]
    assert len(lookups) == 1 and "set_config" in lookups[0]
    # besides it, only the setting the transaction began with, when there was one
    assert len(statements) == (2 if before else 1)
