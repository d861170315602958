"""Every table of the constitution's areas is a tenant table: on PostgreSQL, row-level
security enabled and forced with the scheme policy, and a transaction in one scheme sees
only that scheme's rows; votes, versions, signatures and approvals are never rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lets_platform import dbroles, testing
from lets_platform.db import db

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)

TABLES = [
    "constitution_versions",
    "meetings",
    "agenda_items",
    "attendances",
    "ballots",
    "votes",
    "egm_requests",
    "egm_signatures",
    "applications",
    "member_standings",
    "fees",
    "terminations",
    "budgets",
    "claims",
    "claim_approvals",
    "disputes",
]


@pytest.mark.parametrize("table", TABLES)
def test_each_table_has_forced_row_level_security_with_the_scheme_policy(ctx, table):
    with db.engine.connect() as connection:
        enabled, forced = connection.execute(
            text("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = :t"),
            {"t": table},
        ).one()
        policies = (
            connection.execute(
                text("SELECT policyname FROM pg_policies WHERE tablename = :t"), {"t": table}
            )
            .scalars()
            .all()
        )
    assert (enabled, forced, policies) == (True, True, ["scheme_isolation"])


def test_a_transaction_in_one_scheme_sees_only_its_constitutions(ctx, create_scheme):
    wiltshire = create_scheme("wiltshire", constitution="wiltshire")
    create_scheme("bright", constitution="bright")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM constitution_versions")).scalar() == 0
        connection.execute(
            text("SELECT set_config('lets.schemes', :s, true)"), {"s": str(wiltshire.id)}
        )
        seen = connection.execute(text("SELECT template FROM constitution_versions")).scalars()
        assert list(seen) == ["wiltshire"]


@pytest.mark.parametrize(
    "table", ["constitution_versions", "votes", "egm_signatures", "claim_approvals"]
)
def test_append_only_tables_are_not_updatable_by_the_app(ctx, table):
    assert f'REVOKE UPDATE, DELETE ON {table} FROM "app"' in dbroles.grant_statements("app")
